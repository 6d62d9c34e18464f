#include "schema.hpp"

namespace edgepg::gateway {

std::string schema_sql(const std::string& admin) {
  std::string q = "\"";
  for (char c : admin) {
    if (c == '"') q += '"';
    q += c;
  }
  q += '"';
  // A row per upstream backend, keyed by pid and backend start time, written before the client's first
  // ReadyForQuery: by the admin role, or, for a warm backend the admin role armed (a row without claims), by the
  // backend itself through edgepg.begin_session, which fills only its own armed row and only once (the gateway
  // calls it before relaying a byte of the client's; a connection the gateway did not arm has no row to fill).
  // begin_session matches the pid alone (pg_stat_get_activity costs ~50 us with 200 connection slots): arming
  // removes any older row of the pid, and a row left armed by a backend that died can be filled by a later backend
  // with its pid, but never read by it, since the readers below match the start time too.
  // The functions read the row of the calling backend as the admin role (SECURITY DEFINER): nothing a client sends
  // can change what they return. A row whose start time does not match (a pid reused after a crash) is never read.
  return R"SQL(-- edgepg: claims that SQL cannot forge. Run as a superuser; the admin role must exist.
create schema if not exists edgepg authorization )SQL" +
         q + R"SQL(;
create unlogged table if not exists edgepg.sessions (
  pid integer not null,
  backend_start timestamptz not null,
  sub text,
  iss text,
  role text not null,
  claims jsonb,
  created_at timestamptz not null default now(),
  primary key (pid, backend_start)
);
-- Null claims: a backend armed for its next holder (schemas from before arming said not null).
alter table edgepg.sessions alter column claims drop not null;
-- Unlogged: a row lives as long as its backend, and a crash ends every backend; no WAL flush per login.
alter table edgepg.sessions set unlogged;
alter table edgepg.sessions owner to )SQL" +
         q + R"SQL(;
revoke all on edgepg.sessions from public;
-- The admin role reads backend start times of other roles' sessions.
grant pg_read_all_stats to )SQL" +
         q + R"SQL(;

create or replace function edgepg.claims() returns jsonb
  language sql stable security definer set search_path = pg_catalog, pg_temp as $$
  select s.claims from edgepg.sessions s
   where s.pid = pg_backend_pid()
     and s.backend_start = (select a.backend_start from pg_stat_get_activity(pg_backend_pid()) a)
$$;
create or replace function edgepg.claim(name text) returns text
  language sql stable security definer set search_path = pg_catalog, pg_temp as $$
  select edgepg.claims() ->> name
$$;
create or replace function edgepg.sub() returns text
  language sql stable security definer set search_path = pg_catalog, pg_temp as $$
  select edgepg.claims() ->> 'sub'
$$;
-- PL/pgSQL rather than SQL: its plan is kept by the backend across calls (a SQL function's is made per query).
create or replace function edgepg.begin_session(p_sub text, p_iss text, p_claims jsonb) returns text
  language plpgsql volatile security definer set search_path = pg_catalog, pg_temp as $$
declare
  started text;
begin
  update edgepg.sessions s set sub = p_sub, iss = p_iss, claims = p_claims, created_at = now()
   where s.pid = pg_backend_pid() and s.claims is null and p_claims is not null
  returning s.backend_start::text into started;
  return started;
end
$$;
alter function edgepg.begin_session(text, text, jsonb) owner to )SQL" +
         q + R"SQL(;
alter function edgepg.claims() owner to )SQL" +
         q + R"SQL(;
alter function edgepg.claim(text) owner to )SQL" +
         q + R"SQL(;
alter function edgepg.sub() owner to )SQL" +
         q + R"SQL(;
grant usage on schema edgepg to public;
grant execute on function edgepg.claims(), edgepg.claim(text), edgepg.sub() to public;
-- Any role may call it; it writes only into the calling backend's armed row (see above) and returns null otherwise.
grant execute on function edgepg.begin_session(text, text, jsonb) to public;
)SQL";
}

}  // namespace edgepg::gateway
