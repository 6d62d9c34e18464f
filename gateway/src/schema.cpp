#include "schema.hpp"

namespace edgepg::gateway {

std::string schema_sql(const std::string& admin) {
  std::string q = "\"";
  for (char c : admin) {
    if (c == '"') q += '"';
    q += c;
  }
  q += '"';
  // A row per upstream backend, keyed by pid and backend start time, written only by the admin role before the
  // client's first ReadyForQuery. The functions read the row of the calling backend as the admin role (SECURITY
  // DEFINER): nothing a client sends can change what they return. A row whose start time does not match (a pid
  // reused after a crash) is never read.
  return R"SQL(-- edgepg: claims that SQL cannot forge. Run as a superuser; the admin role must exist.
create schema if not exists edgepg authorization )SQL" +
         q + R"SQL(;
create unlogged table if not exists edgepg.sessions (
  pid integer not null,
  backend_start timestamptz not null,
  sub text,
  iss text,
  role text not null,
  claims jsonb not null,
  created_at timestamptz not null default now(),
  primary key (pid, backend_start)
);
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
alter function edgepg.claims() owner to )SQL" +
         q + R"SQL(;
alter function edgepg.claim(text) owner to )SQL" +
         q + R"SQL(;
alter function edgepg.sub() owner to )SQL" +
         q + R"SQL(;
grant usage on schema edgepg to public;
grant execute on function edgepg.claims(), edgepg.claim(text), edgepg.sub() to public;
)SQL";
}

}  // namespace edgepg::gateway
