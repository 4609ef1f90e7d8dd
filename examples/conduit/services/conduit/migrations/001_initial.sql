-- Conduit's schema. Runs unchanged on PGlite and on a PostgreSQL server.
CREATE TABLE users (
  id            integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  username      text NOT NULL UNIQUE,
  email         text NOT NULL UNIQUE,
  password_hash text NOT NULL,
  -- Every token names it: a new key (on a password change) ends every earlier token, and a token
  -- can never pass for a later user who got the same id in a fresh database.
  token_key     text NOT NULL,
  bio           text NOT NULL DEFAULT '',
  image         text NOT NULL DEFAULT '',
  created_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE follows (
  follower_id integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  followed_id integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  PRIMARY KEY (follower_id, followed_id)
);

CREATE TABLE articles (
  id          integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  slug        text NOT NULL UNIQUE,
  title       text NOT NULL,
  description text NOT NULL,
  body        text NOT NULL,
  -- Distinct and sorted by the service; GET /tags reads the distinct tags of all articles.
  tag_list    text[] NOT NULL DEFAULT '{}',
  author_id   integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX articles_newest_first ON articles (created_at DESC, id DESC);
CREATE INDEX articles_by_author ON articles (author_id);
CREATE INDEX articles_by_tag ON articles USING gin (tag_list);

CREATE TABLE favorites (
  user_id    integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  article_id integer NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
  PRIMARY KEY (user_id, article_id)
);
CREATE INDEX favorites_by_article ON favorites (article_id);

CREATE TABLE comments (
  id         integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  article_id integer NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
  author_id  integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  body       text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX comments_by_article ON comments (article_id, created_at);
