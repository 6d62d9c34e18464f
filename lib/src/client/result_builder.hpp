// Fills a Result from the connection's events: RowDescription, DataRow, CommandComplete. With the simple query
// protocol a query may hold several statements; like libpq's PQexec, the Result is the last statement's.
#pragma once

#include "edgepg/client/result.hpp"
#include "edgepg/pg/messages.hpp"
#include "edgepg/status.hpp"

namespace edgepg::detail {

class ResultBuilder {
 public:
  void describe(const std::vector<pg::FieldDescription>& fields);
  // ErrorCode::protocol when the row is malformed or its width differs from the description.
  Status add_row(pg::Bytes body);
  void complete(const pg::CommandComplete& complete);
  void empty_query();
  void reset();
  // Moves the result out (the builder is reset).
  Result take();

 private:
  Result r_;
  bool described_ = false;  // the current statement sent a RowDescription
};

}  // namespace edgepg::detail
