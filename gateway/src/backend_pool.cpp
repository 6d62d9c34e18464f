#include "backend_pool.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>

#include "crypto/crypto.hpp"

namespace edgepg::gateway {
namespace {

// A backend idle in the pool says nothing: anything readable (its FATAL after pg_terminate_backend) or the end of
// the stream means it is gone.
bool quiet(int fd) {
  char byte;
  const ssize_t n = ::recv(fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
}

}  // namespace

BackendPool::~BackendPool() {
  for (auto& [key, slot] : slots_) {
    for (const auto& b : slot.idle) ::close(b.connection.fd);
  }
}

bool BackendPool::expired(const Idle& b, Clock::time_point now) const {
  using std::chrono::milliseconds;
  return (config_.idle_timeout_ms > 0 && now - b.since >= milliseconds(config_.idle_timeout_ms)) ||
         (config_.max_lifetime_ms > 0 && now - b.born >= milliseconds(config_.max_lifetime_ms));
}

void BackendPool::close_idle(Slot& slot, const Idle& b) {
  ::close(b.connection.fd);
  --slot.total;
}

std::optional<BackendPool::Taken> BackendPool::take_idle(const PoolKey& key, const asio::any_io_executor& ex) {
  std::lock_guard lock(mutex_);
  auto it = slots_.find(key);
  if (it == slots_.end()) return std::nullopt;
  Slot& slot = it->second;
  const auto now = Clock::now();
  while (!slot.idle.empty()) {
    Idle b = std::move(slot.idle.back());  // the most recently used: warm caches, and old ones age out
    slot.idle.pop_back();
    if (expired(b, now) || !quiet(b.connection.fd)) {
      close_idle(slot, b);
      continue;
    }
    const int fd = b.connection.fd;
    std::optional<Transport> transport;
    if (!Transport::adopt(ex, std::move(b.connection), transport)) {
      ::close(fd);
      --slot.total;
      continue;
    }
    return Taken{Upstream{std::move(*transport), std::move(b.parameters), b.process_id, b.secret_key, b.armed,
                          b.holder_prepared},
                 b.born};
  }
  return std::nullopt;
}

bool BackendPool::reserve(const PoolKey& key) {
  std::lock_guard lock(mutex_);
  Slot& slot = slots_[key];
  if (slot.total >= config_.max) return false;
  ++slot.total;
  return true;
}

void BackendPool::give_back(const PoolKey& key, Upstream upstream, Clock::time_point born) {
  Transport::Detached connection;
  if ((config_.max_lifetime_ms > 0 && Clock::now() - born >= std::chrono::milliseconds(config_.max_lifetime_ms)) ||
      !upstream.transport.detach(connection)) {
    upstream.transport.close();
    closed(key);
    return;
  }
  std::lock_guard lock(mutex_);
  slots_[key].idle.push_back(Idle{std::move(connection), std::move(upstream.parameters), upstream.process_id,
                                  upstream.secret_key, upstream.armed, upstream.holder_prepared, born, Clock::now()});
}

void BackendPool::closed(const PoolKey& key) {
  std::lock_guard lock(mutex_);
  auto it = slots_.find(key);
  if (it != slots_.end() && it->second.total > 0) --it->second.total;
}

void BackendPool::sweep() {
  std::lock_guard lock(mutex_);
  const auto now = Clock::now();
  for (auto& [key, slot] : slots_) {
    std::deque<Idle> keep;
    for (auto& b : slot.idle) {
      if (expired(b, now) || !quiet(b.connection.fd)) {
        close_idle(slot, b);
      } else {
        keep.push_back(std::move(b));
      }
    }
    slot.idle = std::move(keep);
  }
}

std::size_t BackendPool::idle(const PoolKey& key) const {
  std::lock_guard lock(mutex_);
  auto it = slots_.find(key);
  return it == slots_.end() ? 0 : it->second.idle.size();
}

std::pair<std::int32_t, std::int32_t> CancelKeys::issue(Backend backend) {
  std::lock_guard lock(mutex_);
  for (;;) {
    std::array<std::uint8_t, 8> r{};
    if (!crypto::random_bytes(r)) continue;  // OpenSSL's RAND does not fail once seeded
    const auto word = [&r](int at) {
      return static_cast<std::int32_t>(((std::uint32_t{r[at]} << 24) | (std::uint32_t{r[at + 1]} << 16) |
                                        (std::uint32_t{r[at + 2]} << 8) | r[at + 3]) &
                                       0x7fffffffu);
    };
    const std::pair<std::int32_t, std::int32_t> key{word(0), word(4)};
    if (key.first != 0 && keys_.emplace(key, backend).second) return key;
  }
}

std::optional<CancelKeys::Backend> CancelKeys::find(std::int32_t process_id, std::int32_t secret_key) const {
  std::lock_guard lock(mutex_);
  auto it = keys_.find({process_id, secret_key});
  if (it == keys_.end()) return std::nullopt;
  return it->second;
}

void CancelKeys::forget(std::int32_t process_id, std::int32_t secret_key) {
  std::lock_guard lock(mutex_);
  keys_.erase({process_id, secret_key});
}

}  // namespace edgepg::gateway
