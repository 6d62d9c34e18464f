// The PostgreSQL server role, sans-IO: what a proxy that speaks protocol v3 to its clients (edgepg-gateway) needs
// to read and write before it relays. One include for its four parts:
//
//   startup_packet.hpp     StartupParser: SSLRequest, GSSENCRequest, CancelRequest, StartupMessage (3.x), direct TLS
//   frontend_parser.hpp    FrontendParser: type byte + length framing of the client's messages after the startup
//   frontend_messages.hpp  decoders: PasswordMessage, SASLInitialResponse/SASLResponse, Query, Parse, Terminate
//   backend_writer.hpp     BackendWriter: 'S'/'N', Authentication*, ErrorResponse, NoticeResponse, ParameterStatus,
//                          BackendKeyData, ReadyForQuery, NegotiateProtocolVersion
//
// The usual flow (protocol-flow.html), with `w` a BackendWriter drained to the socket after each step:
//
//   StartupParser sp;                              // bytes from the socket: sp.feed(chunk)
//   StartupPacket pkt;
//   sp.next(pkt) == StartupStep::packet:
//     ssl_request     -> w.ssl_answer(tls_available); then TLS, then feed the decrypted bytes to sp
//     gssenc_request  -> w.gssenc_answer(false)
//     cancel_request  -> forward the cancel, close the connection
//     startup         -> needs_protocol_negotiation(pkt.startup, newest)? w.negotiate_protocol_version(...)
//                        w.authentication_cleartext_password() or w.authentication_sasl({"OAUTHBEARER"})
//   FrontendParser fp(max_auth_message_size);  fp.feed(sp.take_remaining());
//   'p' -> decode_password_message / decode_sasl_initial_response / decode_sasl_response
//   success -> w.authentication_ok(); w.parameter_status(...)...; w.backend_key_data(...); w.ready_for_query(idle)
//   failure -> w.error_response(ErrorSeverity::fatal, {sqlstate::invalid_password, "..."}); close
//   then fp.set_max_message_size(...) and relay, reading 'Q'/'P' with decode_query/decode_parse for the audit log.
//
// No call throws (std::bad_alloc aside); every fallible one returns Status, documented in each header.
#pragma once

#include "edgepg/pg/backend_writer.hpp"
#include "edgepg/pg/frontend_messages.hpp"
#include "edgepg/pg/frontend_parser.hpp"
#include "edgepg/pg/startup_packet.hpp"
