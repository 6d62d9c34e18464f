#include "claims_channel.hpp"

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/steady_timer.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>

#include "credentials.hpp"

namespace edgepg::gateway {
namespace {

// pg_stat_get_activity(pid) reads the one backend's entry; the pg_stat_activity view builds all of them and joins
// the catalogs (~300 us rather than ~75 us per login here, with 20 backends).
constexpr const char* kRecord =
    "insert into edgepg.sessions (pid, backend_start, sub, iss, role, claims) "
    "select $1::int, a.backend_start, $2, $3, $4, $5::jsonb from pg_stat_get_activity($1::int) a "
    "on conflict (pid, backend_start) do update set sub = excluded.sub, iss = excluded.iss, role = excluded.role, "
    "claims = excluded.claims, created_at = now() "
    "returning backend_start::text";
// An armed row: the backend's role, no claims yet; edgepg.begin_session, called by that backend, fills it once.
// Rows of an earlier backend with the same pid go (begin_session matches the pid alone).
constexpr const char* kArm =
    "with started as (select a.backend_start from pg_stat_get_activity($1::int) a), "
    "stale as (delete from edgepg.sessions s using started where s.pid = $1::int "
    "and s.backend_start <> started.backend_start) "
    "insert into edgepg.sessions (pid, backend_start, sub, iss, role, claims) "
    "select $1::int, started.backend_start, null, null, $2, null from started "
    "on conflict (pid, backend_start) do update set sub = null, iss = null, role = excluded.role, claims = null, "
    "created_at = now() "
    "returning backend_start::text";
// Re-arming the row of a backend going back to the pool: by its key, nothing else to look up (the full kArm is for
// a backend's first arming).
constexpr const char* kRearm =
    "update edgepg.sessions set sub = null, iss = null, role = $3, claims = null, created_at = now() "
    "where pid = $1::int and backend_start = $2::timestamptz returning backend_start::text";
constexpr const char* kForget = "delete from edgepg.sessions where pid = $1::int and backend_start = $2::timestamptz";
constexpr const char* kSweep =
    "delete from edgepg.sessions s where not exists (select 1 from pg_stat_activity a "
    "where a.pid = s.pid and a.backend_start = s.backend_start)";

}  // namespace

ClaimsChannel::ClaimsChannel(asio::any_io_executor executor) : strand_(asio::make_strand(executor)) {}

// An idle admin connection, or a new one under kMaxOpen (logged in as claims.sessions.user; stale rows swept once);
// at kMaxOpen, wait for one to come back.
asio::awaitable<std::unique_ptr<PgClient>> ClaimsChannel::acquire(const Config& config) {
  struct Turn {
    std::unique_ptr<PgClient> idle;
    bool open_new = false;
  };
  asio::steady_timer wait(co_await asio::this_coro::executor);
  for (int attempt = 0;; ++attempt) {
    Turn turn = co_await asio::co_spawn(
        strand_,
        [this]() -> asio::awaitable<Turn> {
          Turn t;
          if (!idle_.empty()) {
            t.idle = std::move(idle_.back());
            idle_.pop_back();
          } else if (open_ < kMaxOpen) {
            ++open_;
            t.open_new = true;
          }
          co_return t;
        },
        asio::use_awaitable);
    if (turn.idle && turn.idle->usable()) co_return std::move(turn.idle);
    if (turn.idle) {  // it broke while idle: its slot becomes a new connection
      turn.idle.reset();
      turn.open_new = true;
    }
    if (turn.open_new) break;
    wait.expires_after(std::chrono::milliseconds(std::min(1 << std::min(attempt, 4), 10)));
    co_await wait.async_wait(asio::use_awaitable);
  }
  std::unique_ptr<PgClient> client;
  try {
    const SessionsConfig& sc = *config.claims.sessions;
    std::string why;
    std::string password = read_password(sc.password_file, sc.password_env, why);
    if (password.empty()) throw PgClientError("08004", "the claims channel has no credentials (" + why + ")");
    client = std::make_unique<PgClient>();
    LoginRequest req;
    req.user = sc.user;
    req.password = std::move(password);
    req.database = config.upstream.databases.empty() ? sc.user : config.upstream.databases.front();
    req.application_name = "edgepg-gateway claims";
    co_await client->login(config.upstream, std::move(req));
    co_await client->query(std::string(kSweep), {});
  } catch (const PgClientError&) {
    give_back(nullptr);  // the slot
    throw;
  }
  co_return client;
}

void ClaimsChannel::give_back(std::unique_ptr<PgClient> client) {
  asio::co_spawn(
      strand_,
      [this, c = std::move(client)]() mutable -> asio::awaitable<void> {
        if (c && c->usable()) {
          idle_.push_back(std::move(c));
        } else if (open_ > 0) {
          --open_;
        }
        co_return;
      },
      asio::detached);
}

asio::awaitable<std::string> ClaimsChannel::record(const Config& config, std::int32_t pid, const Identity& who) {
  std::vector<std::optional<std::string>> params;
  params.emplace_back(std::to_string(pid));
  params.push_back(who.sub.empty() ? std::nullopt : std::optional<std::string>(who.sub));
  params.push_back(who.iss.empty() ? std::nullopt : std::optional<std::string>(who.iss));
  params.emplace_back(who.role);
  params.emplace_back(who.claims_json);
  std::string started = co_await write_row(config, pid, kRecord, "edgepg_record", params);
  co_return started;
}

asio::awaitable<std::string> ClaimsChannel::arm(const Config& config, std::int32_t pid, const std::string& role) {
  std::vector<std::optional<std::string>> params{std::to_string(pid), role};
  std::string started = co_await write_row(config, pid, kArm, "edgepg_arm", params);
  co_return started;
}

asio::awaitable<std::string> ClaimsChannel::rearm(const Config& config, std::int32_t pid,
                                                  const std::string& backend_start, const std::string& role) {
  std::vector<std::optional<std::string>> params{std::to_string(pid), backend_start, role};
  std::optional<std::string> started;
  try {
    std::string s = co_await write_row(config, pid, kRearm, "edgepg_rearm", params);
    started = std::move(s);
  } catch (const PgClientError&) {
  }
  if (started) co_return *started;
  std::string armed = co_await arm(config, pid, role);  // the row is gone (or the update failed): arm it anew
  co_return armed;
}

asio::awaitable<std::string> ClaimsChannel::write_row(const Config& config, std::int32_t pid, const char* statement,
                                                      const char* name,
                                                      const std::vector<std::optional<std::string>>& params) {
  auto client = co_await acquire(config);
  const std::string sql = statement;
  std::vector<Row> rows;
  try {
    rows = co_await client->query(sql, params, name);
  } catch (const PgClientError&) {
    give_back(std::move(client));  // unusable now: frees its slot
    throw;
  } catch (...) {
    // Cancelled mid-query (the login's deadline, or the other half of the login failed): its answer may still
    // come, so this connection is closed, never reused; its slot is freed.
    give_back(nullptr);
    throw;
  }
  give_back(std::move(client));
  if (rows.size() != 1 || !rows[0][0])
    throw PgClientError("08004", "the claims channel found no backend " + std::to_string(pid));
  co_return *rows[0][0];
}

asio::awaitable<bool> ClaimsChannel::forget(const Config& config, std::int32_t pid, const std::string& backend_start) {
  try {
    auto client = co_await acquire(config);
    std::vector<std::optional<std::string>> params{std::to_string(pid), backend_start};
    try {
      co_await client->query(std::string(kForget), params, "edgepg_forget");
    } catch (const PgClientError&) {
      give_back(std::move(client));
      throw;
    } catch (...) {
      give_back(nullptr);  // cancelled mid-query: closed, not reused (see record)
      throw;
    }
    give_back(std::move(client));
  } catch (const PgClientError&) {
    co_return false;  // the sweep of the next admin connection removes it once the backend is gone
  }
  co_return true;
}

}  // namespace edgepg::gateway
