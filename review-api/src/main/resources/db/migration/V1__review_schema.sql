-- Review API schema.
-- Every table is synced between nodes by sync-core's triggers, so:
--  * primary keys are UUIDs chosen by the application (never serial/sequences: they collide across nodes);
--  * no column default that differs per node (ids, clocks): created_at/updated_at are written by the application;
--  * activity_logs.user_id has no foreign key: history outlives its subjects and must never block an apply.

CREATE TABLE users (
    id            uuid        PRIMARY KEY,
    username      text        NOT NULL,
    email         text        NOT NULL,
    password_hash text        NOT NULL,
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL,
    CONSTRAINT users_username_key UNIQUE (username),
    CONSTRAINT users_email_key UNIQUE (email),
    CONSTRAINT users_email_lower_case CHECK (email = lower(email))
);
CREATE INDEX users_created_at_idx ON users (created_at, id);

CREATE TABLE categories (
    id          uuid        PRIMARY KEY,
    name        text        NOT NULL,
    description text,
    parent_id   uuid        REFERENCES categories (id) ON DELETE SET NULL,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL
);
CREATE INDEX categories_parent_id_idx ON categories (parent_id);
CREATE INDEX categories_name_idx ON categories (name, id);

CREATE TABLE products (
    id          uuid          PRIMARY KEY,
    name        text          NOT NULL,
    description text,
    price       numeric(12,2) NOT NULL CHECK (price >= 0),
    category_id uuid          REFERENCES categories (id) ON DELETE SET NULL,
    created_at  timestamptz   NOT NULL,
    updated_at  timestamptz   NOT NULL
);
CREATE INDEX products_category_id_idx ON products (category_id);
CREATE INDEX products_created_at_idx ON products (created_at, id);
CREATE INDEX products_price_idx ON products (price, id);

CREATE TABLE reviews (
    id         uuid        PRIMARY KEY,
    product_id uuid        NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    user_id    uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    rating     smallint    NOT NULL CHECK (rating BETWEEN 1 AND 5),
    title      text        NOT NULL,
    body       text,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    CONSTRAINT reviews_user_product_key UNIQUE (user_id, product_id)
);
-- Serves the per-product aggregates (average_rating, review_count) computed at read time.
CREATE INDEX reviews_product_id_idx ON reviews (product_id, rating);
CREATE INDEX reviews_product_created_at_idx ON reviews (product_id, created_at, id);

CREATE TABLE product_images (
    id         uuid        PRIMARY KEY,
    product_id uuid        NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    url        text        NOT NULL,
    alt_text   text,
    position   integer     NOT NULL CHECK (position >= 0),
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);
CREATE INDEX product_images_product_id_idx ON product_images (product_id, position);

CREATE TABLE review_media (
    id         uuid        PRIMARY KEY,
    review_id  uuid        NOT NULL REFERENCES reviews (id) ON DELETE CASCADE,
    url        text        NOT NULL,
    media_type text        NOT NULL CHECK (media_type IN ('image', 'video')),
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);
CREATE INDEX review_media_review_id_idx ON review_media (review_id, created_at);

CREATE TABLE activity_logs (
    id          uuid        PRIMARY KEY,
    user_id     uuid,
    action      text        NOT NULL,
    entity_type text        NOT NULL,
    entity_id   uuid,
    details     jsonb       NOT NULL,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL
);
CREATE INDEX activity_logs_created_at_idx ON activity_logs (created_at, id);
CREATE INDEX activity_logs_user_id_idx ON activity_logs (user_id, created_at);
CREATE INDEX activity_logs_entity_idx ON activity_logs (entity_type, created_at);
CREATE INDEX activity_logs_entity_id_idx ON activity_logs (entity_id);
