import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { CustomerApp } from './app.js';
import { takeVisitorId } from './device.js';
import { startLanguage } from './i18n/index.js';
import './customer.css';

const root = document.getElementById('root');
if (!root) throw new Error('customer.html has no #root');

takeVisitorId();
startLanguage();
createRoot(root).render(
  <StrictMode>
    <CustomerApp />
  </StrictMode>,
);
