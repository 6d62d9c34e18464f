// gateway-client: edgepg's native client through edgepg-gateway, holding no database secret, only the user's token.
//
//   EDGEPG_TOKEN=eyJ... gateway-client "host=gw.example port=6432 user=app_user dbname=app" "select current_user"
//   EDGEPG_TOKEN=eyJ... gateway-client "... websocket_url=wss://gw.example/v1" "select edgepg.sub()"
//
// The token is the password: the gateway asks for it in cleartext (under TLS, or from loopback), verifies it and
// logs in upstream as the role it maps to. It is read from the environment at each connect (password_provider), not
// from the command line where `ps` would show it. require_auth defaults to "password" here, so the client answers
// only that request: a server asking for SCRAM or letting it in without asking is refused (EAUTH).
//
// Prints each row's fields separated by '|' (as psql -At), NULL as an empty field. On failure: "<code>: <message>"
// on stderr and exit status 1, the code being the server's SQLSTATE (28000 for a refused token, its message naming
// the gateway's cause, e.g. ERR_JWT_EXPIRED) or edgepg's own (ECONNREFUSED, EAUTH, ...). Usage errors: status 2.
#include <cstdlib>
#include <iostream>
#include <string>

#include "edgepg/client.hpp"

int main(int argc, char** argv) {
  const char* token = std::getenv("EDGEPG_TOKEN");
  if (argc != 3 || token == nullptr) {
    std::cerr << "usage: EDGEPG_TOKEN=<token> gateway-client CONNINFO SQL\n";
    return 2;
  }
  try {
    edgepg::ConnectOptions options = edgepg::parse_connection_string(argv[1]);
    if (!options.require_auth) options.require_auth = "password";
    options.password_provider = [] {
      const char* t = std::getenv("EDGEPG_TOKEN");
      return std::string(t ? t : "");
    };
    edgepg::Connection conn(std::move(options));
    const edgepg::Result r = conn.query(argv[2]);
    for (const edgepg::Row& row : r) {
      for (std::size_t j = 0; j < row.size(); ++j) std::cout << (j ? "|" : "") << row[j].text();
      std::cout << "\n";
    }
    return 0;
  } catch (const edgepg::Error& e) {
    std::cerr << e.code() << ": " << e.message() << "\n";
    return 1;
  }
}
