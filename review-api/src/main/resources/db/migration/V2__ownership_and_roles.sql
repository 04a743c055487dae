-- Authorization (issue 17): who may change what.
--  * users.is_admin: the admin role, granted by an admin (or the operator's ADMIN_TOKEN) and synced like any row.
--    NULL means no (no column default: see V1), so rows written by older nodes or other clients need not name it.
--  * created_by on categories, products and product_images: their creator may change or delete them, besides admins.
--    No foreign key, as for activity_logs.user_id: a creator may be deleted (a username conflict deletes an account
--    everywhere) and that must never block an apply. Rows from before this migration have no creator: admins only.
ALTER TABLE users ADD COLUMN is_admin boolean;
ALTER TABLE categories ADD COLUMN created_by uuid;
ALTER TABLE products ADD COLUMN created_by uuid;
ALTER TABLE product_images ADD COLUMN created_by uuid;
