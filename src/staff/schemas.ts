import { Type, type Static } from 'typebox';
import { Email, Id, Name, Password, Timestamp } from '../platform/schemas.js';

export const RoleSchema = Type.Union([Type.Literal('owner'), Type.Literal('manager'), Type.Literal('clerk')], {
  description: 'owner: everything; manager: stores, offers, clerks, numbers; clerk: the counter of their stores.',
});

export const Staff = Type.Object(
  {
    id: Id('staff'),
    email: Type.String(),
    name: Type.String(),
    role: RoleSchema,
    storeIds: Type.Array(Type.String(), { description: 'Stores a clerk works at (empty for owners and managers, who see all).' }),
    disabled: Type.Boolean(),
    createdAt: Timestamp,
  },
);
export type Staff = Static<typeof Staff>;

export const StaffList = Type.Object({ data: Type.Array(Staff) });

export const CreateStaffBody = Type.Object(
  {
    email: Email,
    name: Name,
    role: RoleSchema,
    password: Password,
    storeIds: Type.Optional(Type.Array(Id('store'), { maxItems: 500, uniqueItems: true })),
  },
  { additionalProperties: false },
);
export type CreateStaffBody = Static<typeof CreateStaffBody>;

export const UpdateStaffBody = Type.Object(
  {
    name: Type.Optional(Name),
    role: Type.Optional(RoleSchema),
    storeIds: Type.Optional(Type.Array(Id('store'), { maxItems: 500, uniqueItems: true })),
    disabled: Type.Optional(Type.Boolean({ description: 'A disabled account cannot sign in; its sessions end at once.' })),
    password: Type.Optional(Password),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateStaffBody = Static<typeof UpdateStaffBody>;

export const StaffParams = Type.Object({ staffId: Id('staff') });
