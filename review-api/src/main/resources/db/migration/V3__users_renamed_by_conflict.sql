-- An account whose username or email was registered first on another node keeps its data under a "twin-..." name
-- given by the sync (the same on every node); this flag asks its owner to choose another (PATCH /api/v1/users/me).
-- Nullable without a default (null reads as false): every value comes from a write that replicates, and a row from a
-- node that has not migrated yet still applies. V3, not V2: V2 is kept for the authorization migration.
ALTER TABLE users ADD COLUMN renamed_by_conflict boolean;
