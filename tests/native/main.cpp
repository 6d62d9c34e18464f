// The native e2e tests against a real PostgreSQL: see scripts/test-native, which starts the services.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
