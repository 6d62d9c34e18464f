// libFuzzer target: the PostgreSQL server role (pg/server_codec.hpp). Three modes, picked by the first byte:
//   0  client bytes from the first packet on: StartupParser under any chunking (the same packets as one feed), every
//      packet re-encoded and parsed back to itself, then what follows the StartupMessage through FrontendParser
//   1  client bytes after the startup: FrontendParser under any chunking (the same messages as one feed), each
//      message through every decoder, and re-encoded by the client's FrontendWriter to the very same bytes
//   2  BackendWriter calls with fuzzed arguments: a refused call leaves the buffer unchanged; an accepted one is one
//      message that the client's BackendParser frames and its decoders read back to the arguments
// The data of every SASLInitialResponse/SASLResponse in modes 0 and 1 also goes through the OAUTHBEARER server's
// parser (auth/oauthbearer.hpp): an accepted client-first re-encodes to a message that parses back the same.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "edgepg/auth/oauthbearer.hpp"
#include "edgepg/pg/backend_parser.hpp"
#include "edgepg/pg/frontend.hpp"
#include "edgepg/pg/messages.hpp"
#include "edgepg/pg/server_codec.hpp"
#include "fuzz_util.hpp"

using namespace edgepg;
using namespace edgepg::pg;
using edgepg::fuzz::exact_copy;

namespace {

std::string text(Bytes b) { return std::string(fuzz::text_of(b)); }
std::string be32(std::uint32_t v) {
  return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8), static_cast<char>(v)};
}

// ---- mode 0: startup packets ----

// A packet as text, for comparing runs; checks its invariants on the way.
std::string describe(const StartupPacket& p, std::size_t max_length) {
  switch (p.kind) {
    case StartupKind::ssl_request:
      return "ssl";
    case StartupKind::gssenc_request:
      return "gssenc";
    case StartupKind::direct_tls:
      return "direct_tls";
    case StartupKind::cancel_request: {
      EDGEPG_FUZZ_CHECK(p.cancel.secret_key.size() >= min_cancel_key_length &&
                        p.cancel.secret_key.size() <= max_cancel_key_length);
      return "cancel " + std::to_string(p.cancel.process_id) + " " +
             text(Bytes(p.cancel.secret_key.data(), p.cancel.secret_key.size()));
    }
    case StartupKind::startup:
      break;
  }
  const StartupMessage& m = p.startup;
  EDGEPG_FUZZ_CHECK(!m.user().empty());
  EDGEPG_FUZZ_CHECK(!m.database().empty());
  std::string out = "startup 3." + std::to_string(m.minor_version);
  std::size_t size = 8 + 1;
  std::vector<std::string_view> names;
  for (const auto* list : {&m.parameters, &m.protocol_options}) {
    for (const auto& [n, v] : *list) {
      EDGEPG_FUZZ_CHECK(!n.empty());
      EDGEPG_FUZZ_CHECK(n.find('\0') == std::string::npos && v.find('\0') == std::string::npos);
      EDGEPG_FUZZ_CHECK((n.rfind("_pq_.", 0) == 0) == (list == &m.protocol_options));
      for (const auto seen : names) EDGEPG_FUZZ_CHECK(seen != n);
      names.push_back(n);
      size += n.size() + v.size() + 2;
      out += "|" + n + "=" + v;
    }
  }
  EDGEPG_FUZZ_CHECK(size - 4 <= max_length);
  EDGEPG_FUZZ_CHECK(needs_protocol_negotiation(m, 0xFFFF) == !m.protocol_options.empty());
  return out;
}

// The packet's bytes, as a client would send them.
std::string encode(const StartupPacket& p) {
  std::string body;
  switch (p.kind) {
    case StartupKind::ssl_request:
      body = be32(80877103);
      break;
    case StartupKind::gssenc_request:
      body = be32(80877104);
      break;
    case StartupKind::direct_tls:
      return {};
    case StartupKind::cancel_request:
      body = be32(80877102) + be32(static_cast<std::uint32_t>(p.cancel.process_id)) +
             text(Bytes(p.cancel.secret_key.data(), p.cancel.secret_key.size()));
      break;
    case StartupKind::startup:
      body = be32((3u << 16) | p.startup.minor_version);
      for (const auto* list : {&p.startup.parameters, &p.startup.protocol_options}) {
        for (const auto& [n, v] : *list) body += n + '\0' + v + '\0';
      }
      body += '\0';
      break;
  }
  return be32(static_cast<std::uint32_t>(body.size() + 4)) + body;
}

struct StartupRun {
  std::vector<std::string> packets;
  ErrorCode error = ErrorCode::ok;
  bool chunk_dependent = false;  // the CVE-2021-23214 rule: whether bytes share a read with an SSLRequest
  std::vector<std::uint8_t> remaining;
};

StartupRun run_startup(const std::vector<Bytes>& parts, std::size_t max_length) {
  StartupParser p(max_length);
  StartupRun r;
  bool stop = false;
  bool finished = false;
  for (const Bytes part : parts) {
    if (stop) break;
    const auto copy = exact_copy(part);
    if (finished) {  // later reads belong to the frontend parser; the startup parser refuses them
      EDGEPG_FUZZ_CHECK(p.feed(copy).code() == ErrorCode::invalid_state && p.error().ok());
      r.remaining.insert(r.remaining.end(), copy.begin(), copy.end());
      continue;
    }
    if (!p.feed(copy).ok()) break;
    for (;;) {
      StartupPacket pkt;
      const StartupStep step = p.next(pkt);
      if (step == StartupStep::need_more) break;
      if (step == StartupStep::finished) {
        finished = true;
        const Bytes rest = p.remaining();
        r.remaining.assign(rest.begin(), rest.end());
        EDGEPG_FUZZ_CHECK(p.take_remaining() == r.remaining && p.remaining().empty());
        break;
      }
      if (step == StartupStep::error) {
        EDGEPG_FUZZ_CHECK(!p.error().ok());
        r.error = p.error().code();
        r.chunk_dependent = p.error().message().find("CVE-2021-23214") != std::string::npos;
        EDGEPG_FUZZ_CHECK(p.next(pkt) == StartupStep::error);
        stop = true;
        break;
      }
      r.packets.push_back(describe(pkt, max_length));
      if (pkt.kind == StartupKind::direct_tls) {  // the rest is TLS: not ours
        stop = true;
        break;
      }
      // Round trip: the packet's own bytes parse back to the same packet.
      StartupParser again(max_length);
      const std::string bytes = encode(pkt);
      EDGEPG_FUZZ_CHECK(again.feed(fuzz::bytes_of(bytes)).ok());
      StartupPacket back;
      EDGEPG_FUZZ_CHECK(again.next(back) == StartupStep::packet);
      EDGEPG_FUZZ_CHECK(describe(back, max_length) == r.packets.back());
    }
  }
  return r;
}

// ---- SASL OAUTHBEARER (modes 0 and 1) ----

void check_oauthbearer(Bytes data) {
  const auto copy = exact_copy(data);
  auth::OAuthBearerClientFirst first;
  if (!auth::parse_oauthbearer_client_first(copy, first).ok()) {
    (void)auth::is_oauthbearer_error_ack(copy);
    return;
  }
  const auto* begin = reinterpret_cast<const char*>(copy.data());
  EDGEPG_FUZZ_CHECK(first.auth.data() >= begin && first.auth.data() + first.auth.size() <= begin + copy.size());
  EDGEPG_FUZZ_CHECK(first.channel_binding_flag == 'n' || first.channel_binding_flag == 'y');
  EDGEPG_FUZZ_CHECK(first.auth.find('\x01') == std::string_view::npos);
  std::string_view token;
  if (auth::oauthbearer_token(first.auth, token)) {
    EDGEPG_FUZZ_CHECK(!token.empty() && token.find(' ') == std::string_view::npos);
  }
  // Re-encoded (the authzid escaped again, unknown pairs dropped): the same fields.
  std::string again(1, first.channel_binding_flag);
  again += ',';
  if (first.authzid) {
    again += "a=";
    for (const char c : *first.authzid) {
      if (c == ',') {
        again += "=2C";
      } else if (c == '=') {
        again += "=3D";
      } else {
        again += c;
      }
    }
  }
  again +=
      ",\x01"
      "auth=" +
      std::string(first.auth) + "\x01\x01";
  auth::OAuthBearerClientFirst back;
  EDGEPG_FUZZ_CHECK(auth::parse_oauthbearer_client_first(fuzz::bytes_of(again), back).ok());
  EDGEPG_FUZZ_CHECK(back.channel_binding_flag == first.channel_binding_flag && back.authzid == first.authzid &&
                    back.auth == first.auth);
}

// ---- mode 1: frontend messages ----

void check_message(const RawMessage& m, std::size_t max) {
  EDGEPG_FUZZ_CHECK(is_frontend_message_type(m.type));
  EDGEPG_FUZZ_CHECK(m.body.size() <= max);
  // The original bytes, to compare with what FrontendWriter makes of the decoded fields.
  const std::string original =
      std::string(1, m.type) + be32(static_cast<std::uint32_t>(m.body.size() + 4)) + text(m.body);
  FrontendWriter w;
  auto same = [&w, &original]() {
    EDGEPG_FUZZ_CHECK(fuzz::text_of(w.data()) == original);
    w.clear();
  };
  // Every decoder on every body: each returns a Status and never reads past the end.
  std::string_view s;
  if (decode_password_message(m.body, s).ok()) {
    EDGEPG_FUZZ_CHECK(s.size() + 1 == m.body.size());
    if (m.type == frontend::password) {
      w.password(s);
      same();
    }
  }
  SaslInitialResponse sir;
  if (decode_sasl_initial_response(m.body, sir).ok()) {
    EDGEPG_FUZZ_CHECK(!sir.mechanism.empty());
    if (sir.data) check_oauthbearer(*sir.data);
    if (sir.data && m.type == frontend::password) {
      w.sasl_initial_response(sir.mechanism, fuzz::text_of(*sir.data));
      same();
    }
  }
  Bytes data;
  EDGEPG_FUZZ_CHECK(decode_sasl_response(m.body, data).ok() && data.size() == m.body.size());
  check_oauthbearer(data);
  if (decode_query(m.body, s).ok() && m.type == frontend::query) {
    w.query(s);
    same();
  }
  ParseMessage pm;
  if (decode_parse(m.body, pm).ok()) {
    EDGEPG_FUZZ_CHECK(pm.param_types.size() <= 32767);
    if (m.type == frontend::parse) {
      w.parse(pm.statement, pm.query, pm.param_types);
      same();
    }
  }
  if (decode_terminate(m.body).ok()) {
    EDGEPG_FUZZ_CHECK(m.body.empty());
    if (m.type == frontend::terminate) {
      w.terminate();
      same();
    }
  }
}

struct FrontendRun {
  std::vector<std::string> messages;
  ErrorCode error = ErrorCode::ok;
  std::size_t buffered = 0;
};

FrontendRun run_frontend(const std::vector<Bytes>& parts, std::size_t max, bool check) {
  FrontendParser p(max);
  FrontendRun r;
  for (const Bytes part : parts) {
    const auto copy = exact_copy(part);
    if (!p.feed(copy).ok()) break;
    RawMessage m;
    ParseStep step;
    while ((step = p.next(m)) == ParseStep::message) {
      if (check) check_message(m, max);
      r.messages.push_back(std::string(1, m.type) + text(m.body));
    }
    if (step == ParseStep::error) {
      r.error = p.error().code();
      EDGEPG_FUZZ_CHECK(r.error == ErrorCode::protocol || r.error == ErrorCode::message_too_large);
      break;
    }
    // Bounded: what stays buffered is less than one whole message (its header checked against the limit).
    EDGEPG_FUZZ_CHECK(p.buffered() < max + 5);
  }
  r.buffered = p.buffered();
  return r;
}

std::size_t pick_max(FuzzedDataProvider& fdp) {
  switch (fdp.ConsumeIntegralInRange<int>(0, 2)) {
    case 0:
      return 64;
    case 1:
      return max_auth_message_size;
    default:
      return default_max_message_size;
  }
}

// ---- mode 2: BackendWriter ----

// The one message `w` appended since `before`, framed by the client's parser.
RawMessage appended(const BackendWriter& w, std::size_t before, BackendParser& parser) {
  const Bytes out = w.data().subspan(before);
  EDGEPG_FUZZ_CHECK(parser.feed(out).ok());
  RawMessage m;
  EDGEPG_FUZZ_CHECK(parser.next(m) == ParseStep::message);
  EDGEPG_FUZZ_CHECK(m.body.size() + 5 == out.size());
  RawMessage extra;
  EDGEPG_FUZZ_CHECK(parser.next(extra) == ParseStep::need_more);
  return m;
}

std::string sqlstate_of(FuzzedDataProvider& fdp) {
  static constexpr std::string_view known[] = {"28P01", "28000", "08P01", "XX000", "0A000", "57P03"};
  if (fdp.ConsumeBool()) return std::string(known[fdp.ConsumeIntegralInRange<std::size_t>(0, 5)]);
  return fdp.ConsumeRandomLengthString(7);
}

bool valid_sqlstate(std::string_view s) {
  if (s.size() != 5) return false;
  for (const char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z'))) return false;
  }
  return true;
}

bool has_nul(std::string_view s) { return s.find('\0') != std::string_view::npos; }

void writer(FuzzedDataProvider& fdp) {
  BackendWriter w;
  BackendParser parser;
  while (fdp.remaining_bytes() > 0) {
    const std::size_t before = w.data().size();
    Status s;
    switch (fdp.ConsumeIntegralInRange<int>(0, 11)) {
      case 0: {
        const bool accept = fdp.ConsumeBool();
        w.ssl_answer(accept);
        EDGEPG_FUZZ_CHECK(w.data().size() == before + 1 && w.data().back() == (accept ? 'S' : 'N'));
        w.clear();
        continue;
      }
      case 1: {
        const bool accept = fdp.ConsumeBool();
        w.gssenc_answer(accept);
        EDGEPG_FUZZ_CHECK(w.data().size() == before + 1 && w.data().back() == (accept ? 'G' : 'N'));
        w.clear();
        continue;
      }
      case 2:
      case 3: {
        const bool ok = fdp.ConsumeBool();
        if (ok) {
          w.authentication_ok();
        } else {
          w.authentication_cleartext_password();
        }
        Authentication a;
        EDGEPG_FUZZ_CHECK(decode_authentication(appended(w, before, parser).body, a).ok());
        EDGEPG_FUZZ_CHECK(a.request == (ok ? AuthRequest::ok : AuthRequest::cleartext_password));
        break;
      }
      case 4: {
        std::vector<std::string> mechs(fdp.ConsumeIntegralInRange<std::size_t>(0, 4));
        bool valid = !mechs.empty();
        for (auto& m : mechs) {
          m = fdp.ConsumeRandomLengthString(24);
          valid = valid && !m.empty() && !has_nul(m);
        }
        const std::vector<std::string_view> views(mechs.begin(), mechs.end());
        s = w.authentication_sasl(views);
        EDGEPG_FUZZ_CHECK(s.ok() == valid);
        if (s.ok()) {
          Authentication a;
          EDGEPG_FUZZ_CHECK(decode_authentication(appended(w, before, parser).body, a).ok());
          EDGEPG_FUZZ_CHECK(a.request == AuthRequest::sasl && a.mechanisms == mechs);
        }
        break;
      }
      case 5: {
        const bool final = fdp.ConsumeBool();
        const auto data = fdp.ConsumeBytes<std::uint8_t>(fdp.ConsumeIntegralInRange<std::size_t>(0, 300));
        s = final ? w.authentication_sasl_final(data) : w.authentication_sasl_continue(data);
        EDGEPG_FUZZ_CHECK(s.ok());
        Authentication a;
        EDGEPG_FUZZ_CHECK(decode_authentication(appended(w, before, parser).body, a).ok());
        EDGEPG_FUZZ_CHECK(a.request == (final ? AuthRequest::sasl_final : AuthRequest::sasl_continue));
        EDGEPG_FUZZ_CHECK(text(a.data) == text(data));
        break;
      }
      case 6:
      case 7: {
        const bool error = fdp.ConsumeBool();
        const int severity = fdp.ConsumeIntegralInRange<int>(0, 4);
        const std::string state = sqlstate_of(fdp);
        const std::string message = fdp.ConsumeRandomLengthString(80);
        const std::string detail = fdp.ConsumeRandomLengthString(40);
        const std::string hint = fdp.ConsumeRandomLengthString(40);
        const Diagnostic d{state, message, detail, hint};
        const char* name = error ? severity_name(static_cast<ErrorSeverity>(severity % 3))
                                 : severity_name(static_cast<NoticeSeverity>(severity));
        s = error ? w.error_response(static_cast<ErrorSeverity>(severity % 3), d)
                  : w.notice_response(static_cast<NoticeSeverity>(severity), d);
        const bool valid =
            valid_sqlstate(state) && !message.empty() && !has_nul(message) && !has_nul(detail) && !has_nul(hint);
        EDGEPG_FUZZ_CHECK(s.ok() == valid);
        if (s.ok()) {
          const RawMessage m = appended(w, before, parser);
          EDGEPG_FUZZ_CHECK(m.type == (error ? 'E' : 'N'));
          ErrorFields f;
          EDGEPG_FUZZ_CHECK(decode_error_fields(m.body, f).ok());
          EDGEPG_FUZZ_CHECK(f.severity == name && f.severity_nonlocal == name && f.code == state &&
                            f.message == message && f.detail == detail && f.hint == hint);
        }
        break;
      }
      case 8: {
        const std::string name = fdp.ConsumeRandomLengthString(32);
        const std::string value = fdp.ConsumeRandomLengthString(64);
        s = w.parameter_status(name, value);
        EDGEPG_FUZZ_CHECK(s.ok() == (!name.empty() && !has_nul(name) && !has_nul(value)));
        if (s.ok()) {
          ParameterStatus ps;
          EDGEPG_FUZZ_CHECK(decode_parameter_status(appended(w, before, parser).body, ps).ok());
          EDGEPG_FUZZ_CHECK(ps.name == name && ps.value == value);
        }
        break;
      }
      case 9: {
        const auto pid = fdp.ConsumeIntegral<std::int32_t>();
        if (fdp.ConsumeBool()) {
          const auto secret = fdp.ConsumeIntegral<std::int32_t>();
          w.backend_key_data(pid, secret);
          BackendKeyData k;
          EDGEPG_FUZZ_CHECK(decode_backend_key_data(appended(w, before, parser).body, k).ok());
          EDGEPG_FUZZ_CHECK(k.process_id == pid && k.secret_key == secret);
        } else {
          const auto key = fdp.ConsumeBytes<std::uint8_t>(fdp.ConsumeIntegralInRange<std::size_t>(0, 300));
          s = w.backend_key_data(pid, key);
          EDGEPG_FUZZ_CHECK(s.ok() == (key.size() >= 4 && key.size() <= 256));
          if (s.ok()) {
            const RawMessage m = appended(w, before, parser);
            EDGEPG_FUZZ_CHECK(m.type == 'K' && m.body.size() == 4 + key.size());
            EDGEPG_FUZZ_CHECK(text(m.body.subspan(4)) == text(key));
          }
        }
        break;
      }
      case 10: {
        static constexpr TransactionStatus all[] = {TransactionStatus::idle, TransactionStatus::in_transaction,
                                                    TransactionStatus::failed};
        const TransactionStatus ts = all[fdp.ConsumeIntegralInRange<std::size_t>(0, 2)];
        w.ready_for_query(ts);
        TransactionStatus back{};
        EDGEPG_FUZZ_CHECK(decode_ready_for_query(appended(w, before, parser).body, back).ok() && back == ts);
        break;
      }
      default: {
        const auto minor = fdp.ConsumeIntegral<std::uint16_t>();
        std::vector<std::string> options(fdp.ConsumeIntegralInRange<std::size_t>(0, 4));
        bool valid = true;
        for (auto& o : options) {
          o = fdp.ConsumeRandomLengthString(24);
          valid = valid && !o.empty() && !has_nul(o);
        }
        s = w.negotiate_protocol_version(minor, options);
        EDGEPG_FUZZ_CHECK(s.ok() == valid);
        if (s.ok()) {
          NegotiateProtocolVersion v;
          EDGEPG_FUZZ_CHECK(decode_negotiate_protocol_version(appended(w, before, parser).body, v).ok());
          EDGEPG_FUZZ_CHECK(v.newest_minor == minor && v.unrecognized_options == options);
        }
        break;
      }
    }
    if (!s.ok()) {
      EDGEPG_FUZZ_CHECK(s.code() == ErrorCode::invalid_argument);
      EDGEPG_FUZZ_CHECK(w.data().size() == before);  // a refused call appends nothing
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider fdp(data, size);
  switch (fdp.ConsumeIntegralInRange<int>(0, 2)) {
    case 0: {
      const std::size_t max_length = fdp.ConsumeBool() ? default_max_startup_length : 48;
      const auto seed = fdp.ConsumeBytes<std::uint8_t>(8);
      const auto in = fdp.ConsumeRemainingBytes<std::uint8_t>();
      FuzzedDataProvider split(seed.data(), seed.size());
      const StartupRun whole = run_startup({Bytes(in)}, max_length);
      const StartupRun chunked = run_startup(fuzz::chunks(split, in), max_length);
      // Chunking never changes what comes out, except for the one rule that is about reads.
      if (!whole.chunk_dependent && !chunked.chunk_dependent) {
        EDGEPG_FUZZ_CHECK(whole.packets == chunked.packets);
        EDGEPG_FUZZ_CHECK(whole.error == chunked.error);
        EDGEPG_FUZZ_CHECK(whole.remaining == chunked.remaining);
      }
      // What follows the StartupMessage belongs to the frontend parser.
      if (!whole.remaining.empty()) (void)run_frontend({Bytes(whole.remaining)}, max_auth_message_size, true);
      break;
    }
    case 1: {
      const std::size_t max = pick_max(fdp);
      const auto seed = fdp.ConsumeBytes<std::uint8_t>(8);
      const auto in = fdp.ConsumeRemainingBytes<std::uint8_t>();
      FuzzedDataProvider split(seed.data(), seed.size());
      const FrontendRun whole = run_frontend({Bytes(in)}, max, true);
      const FrontendRun chunked = run_frontend(fuzz::chunks(split, in, 16), max, false);
      EDGEPG_FUZZ_CHECK(whole.messages == chunked.messages);
      EDGEPG_FUZZ_CHECK(whole.error == chunked.error);
      if (whole.error == ErrorCode::ok) EDGEPG_FUZZ_CHECK(whole.buffered == chunked.buffered);
      break;
    }
    default:
      writer(fdp);
      break;
  }
  return 0;
}
