-- Row-level security driven by verified JWT claims (PostgREST's / Supabase's convention).
-- The edge code logs in as `authenticator` (low privilege, NOINHERIT), and each unit of work runs
--   select set_config('role', $1, true), set_config('request.jwt.claims', $2, true)
-- inside its transaction, so these policies see the token's role and claims and nothing leaks to the next request.
-- Idempotent: run it again to reset the demo. Give authenticator a password (or IAM auth) separately.

do $$ begin
  if not exists (select from pg_roles where rolname = 'authenticator') then create role authenticator login noinherit; end if;
  if not exists (select from pg_roles where rolname = 'app_user') then create role app_user nologin; end if;
  if not exists (select from pg_roles where rolname = 'app_admin') then create role app_admin nologin; end if;
  if not exists (select from pg_roles where rolname = 'anon') then create role anon nologin; end if;
end $$;
grant app_user, app_admin, anon to authenticator;

drop table if exists notes;
create table notes (
  id serial primary key,
  owner text not null,
  body text not null,
  public boolean not null default false
);
insert into notes (owner, body, public) values
  ('alice', 'alice''s private note', false),
  ('alice', 'alice''s public note', true),
  ('bob', 'bob''s private note', false);

alter table notes enable row level security;
grant select, insert, update, delete on notes to app_user, app_admin;
grant select on notes to anon;
grant usage on sequence notes_id_seq to app_user, app_admin;

-- The claim that names the user: request.jwt.claims ->> 'sub'. Inside a select it is read once per statement;
-- bare, the JSON would be parsed again for every row the policy filters.
create policy own_notes on notes for all to app_user
  using (owner = (select current_setting('request.jwt.claims', true)::json ->> 'sub'))
  with check (owner = (select current_setting('request.jwt.claims', true)::json ->> 'sub'));
create policy admin_all on notes for all to app_admin using (true) with check (true);
create policy public_notes on notes for select to anon using (public);
