-- A new identity for the node (Incarnation): the id its database carried before, when it was restored into a new
-- PostgreSQL cluster or cloned, and when that happened.
ALTER TABLE ${schema}.node ADD COLUMN IF NOT EXISTS predecessor uuid, ADD COLUMN IF NOT EXISTS incarnated_at timestamptz;
