// The embind declarations: the whole surface the JS package sees. Conversions live in wasm_connection.cpp.
#include <emscripten/bind.h>

#include "wasm_connection.hpp"

using edgepg::bindings::WasmConnection;

EMSCRIPTEN_BINDINGS(edgepg_core) {
  emscripten::class_<WasmConnection>("Connection")
      .constructor<const std::string&, const std::string&, const std::string&, const std::string&, double>()
      .function("requestBuffer", &WasmConnection::request_buffer)
      .function("header", &WasmConnection::header)
      .function("start", &WasmConnection::start)
      .function("providePassword", &WasmConnection::provide_password)
      .function("receive", &WasmConnection::receive)
      .function("query", &WasmConnection::query)
      .function("queryParams", &WasmConnection::query_params)
      .function("setRawTypes", &WasmConnection::set_raw_types)
      .function("terminate", &WasmConnection::terminate)
      .function("markClosed", &WasmConnection::mark_closed)
      .function("clearOutput", &WasmConnection::clear_output)
      .function("lastError", &WasmConnection::last_error);
}
