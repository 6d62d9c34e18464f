#include "edgepg/pg/messages.hpp"

#include <doctest/doctest.h>

#include "wire_builder.hpp"

using namespace edgepg;
using namespace edgepg::pg;
using edgepg::test::Wire;

namespace {
Bytes body_of(const Wire& w) { return Bytes(w.bytes().data() + 5, w.bytes().size() - 5); }
}  // namespace

TEST_CASE("ErrorResponse: every documented field") {
  Wire w;
  w.error({{'S', "ERROR"},
           {'V', "ERROR"},
           {'C', "23505"},
           {'M', "duplicate key"},
           {'D', "Key (id)=(1) exists."},
           {'H', "hint"},
           {'P', "12"},
           {'p', "3"},
           {'q', "iq"},
           {'W', "where"},
           {'s', "public"},
           {'t', "users"},
           {'c', "id"},
           {'d', "int4"},
           {'n', "users_pkey"},
           {'F', "nbtinsert.c"},
           {'L', "664"},
           {'R', "_bt_check_unique"},
           {'Z', "ignored unknown field"}});
  ErrorFields e;
  REQUIRE(decode_error_fields(body_of(w), e));
  CHECK(e.severity == "ERROR");
  CHECK(e.severity_nonlocal == "ERROR");
  CHECK(e.code == "23505");
  CHECK(e.message == "duplicate key");
  CHECK(e.detail == "Key (id)=(1) exists.");
  CHECK(e.hint == "hint");
  CHECK(e.position == "12");
  CHECK(e.internal_position == "3");
  CHECK(e.internal_query == "iq");
  CHECK(e.where == "where");
  CHECK(e.schema == "public");
  CHECK(e.table == "users");
  CHECK(e.column == "id");
  CHECK(e.data_type == "int4");
  CHECK(e.constraint == "users_pkey");
  CHECK(e.file == "nbtinsert.c");
  CHECK(e.line == "664");
  CHECK(e.routine == "_bt_check_unique");
}

TEST_CASE("ErrorResponse: a missing terminator is malformed") {
  const std::string body = std::string("SERROR") + '\0' + "Cxx";
  ErrorFields e;
  CHECK(decode_error_fields(Bytes(reinterpret_cast<const std::uint8_t*>(body.data()), body.size()), e).code() ==
        ErrorCode::protocol);
}

TEST_CASE("CommandComplete: command and row count") {
  const std::pair<const char*, std::optional<std::int64_t>> cases[] = {{"SELECT 5", 5},
                                                                       {"INSERT 0 3", 3},
                                                                       {"UPDATE 0", 0},
                                                                       {"DELETE 10", 10},
                                                                       {"CREATE TABLE", std::nullopt},
                                                                       {"BEGIN", std::nullopt},
                                                                       {"COPY 7", 7},
                                                                       {"MERGE 2", 2},
                                                                       {"SELECT 9007199254740993", 9007199254740993LL},
                                                                       // A hostile server's negative or signed counts
                                                                       // are no count (the backend fuzzer's find).
                                                                       {"INSERT -21", std::nullopt},
                                                                       {"SELECT +5", std::nullopt},
                                                                       {"DELETE -0", std::nullopt}};
  for (const auto& [tag, rows] : cases) {
    Wire w;
    w.command_complete(tag);
    CommandComplete c;
    REQUIRE(decode_command_complete(body_of(w), c));
    CHECK(c.tag == tag);
    CHECK(c.rows == rows);
    CHECK(c.command == std::string(tag).substr(0, std::string(tag).find(' ')));
  }
}

TEST_CASE("RowDescription and DataRow") {
  Wire w;
  w.row_description({{"id", 23}, {"name", 25}});
  std::vector<FieldDescription> fields;
  REQUIRE(decode_row_description(body_of(w), fields));
  REQUIRE(fields.size() == 2);
  CHECK(fields[0].name == "id");
  CHECK(fields[0].type_oid == 23);
  CHECK(fields[1].name == "name");
  CHECK(fields[1].type_oid == 25);

  Wire d;
  d.data_row({"42", std::nullopt, ""});
  DataRowReader r;
  REQUIRE(DataRowReader::open(body_of(d), r));
  CHECK(r.columns() == 3);
  std::optional<Bytes> cell;
  REQUIRE(r.next(cell));
  REQUIRE(cell);
  CHECK(std::string(reinterpret_cast<const char*>(cell->data()), cell->size()) == "42");
  REQUIRE(r.next(cell));
  CHECK_FALSE(cell);
  REQUIRE(r.next(cell));
  REQUIRE(cell);
  CHECK(cell->empty());
  CHECK(r.at_end());
  CHECK(r.next(cell).code() == ErrorCode::protocol);  // no fourth cell
}

TEST_CASE("DataRow: a cell longer than the row is malformed") {
  const std::string body = Wire::i16(1) + Wire::i32(100) + "abc";
  DataRowReader r;
  REQUIRE(DataRowReader::open(Bytes(reinterpret_cast<const std::uint8_t*>(body.data()), body.size()), r));
  std::optional<Bytes> cell;
  CHECK(r.next(cell).code() == ErrorCode::protocol);
}

TEST_CASE("Authentication requests") {
  Wire sasl;
  sasl.auth(10, Wire::cstr("SCRAM-SHA-256-PLUS") + Wire::cstr("SCRAM-SHA-256") + '\0');
  Authentication a;
  REQUIRE(decode_authentication(body_of(sasl), a));
  CHECK(a.request == AuthRequest::sasl);
  CHECK(a.mechanisms == std::vector<std::string>{"SCRAM-SHA-256-PLUS", "SCRAM-SHA-256"});

  Wire md5;
  md5.auth(5, "abcd");
  REQUIRE(decode_authentication(body_of(md5), a));
  CHECK(a.request == AuthRequest::md5_password);
  CHECK(a.data.size() == 4);

  Wire bad_md5;
  bad_md5.auth(5, "ab");
  CHECK(decode_authentication(body_of(bad_md5), a).code() == ErrorCode::protocol);
}

TEST_CASE("small messages") {
  Wire w;
  w.ready('T');
  TransactionStatus s;
  REQUIRE(decode_ready_for_query(body_of(w), s));
  CHECK(s == TransactionStatus::in_transaction);
  Wire bad;
  bad.ready('X');
  CHECK(decode_ready_for_query(body_of(bad), s).code() == ErrorCode::protocol);

  Wire k;
  k.backend_key(1234, -5);
  BackendKeyData kd;
  REQUIRE(decode_backend_key_data(body_of(k), kd));
  CHECK(kd.process_id == 1234);
  CHECK(kd.secret_key == -5);

  Wire n;
  n.msg('A', Wire::i32(77) + Wire::cstr("chan") + Wire::cstr("payload"));
  Notification note;
  REQUIRE(decode_notification(body_of(n), note));
  CHECK(note.process_id == 77);
  CHECK(note.channel == "chan");
  CHECK(note.payload == "payload");

  Wire pd;
  pd.msg('t', Wire::i16(2) + Wire::i32(23) + Wire::i32(25));
  std::vector<std::uint32_t> oids;
  REQUIRE(decode_parameter_description(body_of(pd), oids));
  CHECK(oids == std::vector<std::uint32_t>{23, 25});

  Wire npv;
  npv.msg('v', Wire::i32(0) + Wire::i32(1) + Wire::cstr("_pq_.x"));
  NegotiateProtocolVersion v;
  REQUIRE(decode_negotiate_protocol_version(body_of(npv), v));
  CHECK(v.unrecognized_options == std::vector<std::string>{"_pq_.x"});

  CHECK(expect_empty(Bytes(), '1'));
  const std::uint8_t one = 1;
  CHECK(expect_empty(Bytes(&one, 1), '1').code() == ErrorCode::protocol);
}

TEST_CASE("RowDescription and ParameterDescription: a claimed count the body cannot hold allocates nothing") {
  // 2-byte bodies claiming 65,535 fields / parameters (a hostile server's; found by the backend fuzzer).
  const std::vector<std::uint8_t> claim = {0xFF, 0xFF};
  std::vector<FieldDescription> fields;
  CHECK(decode_row_description(claim, fields).code() == ErrorCode::protocol);
  CHECK(fields.capacity() < 64);
  std::vector<std::uint32_t> oids;
  CHECK(decode_parameter_description(claim, oids).code() == ErrorCode::protocol);
  CHECK(oids.capacity() < 64);
  // Still decoded when the body holds them.
  const std::vector<std::uint8_t> two = {0, 2, 0, 0, 0, 23, 0, 0, 0, 25};
  REQUIRE(decode_parameter_description(two, oids));
  CHECK(oids == std::vector<std::uint32_t>{23, 25});
}
