/** The Reservoir mark: a drop held in a basin. */
export function Mark() {
  return (
    <svg className="mark" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
      <path d="M12 2.5c3.6 4.3 5.5 7.6 5.5 10a5.5 5.5 0 0 1-11 0c0-2.4 1.9-5.7 5.5-10z" fill="currentColor" />
      <path d="M3 15.5a9 6.5 0 0 0 18 0" fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" opacity=".45" />
    </svg>
  );
}
