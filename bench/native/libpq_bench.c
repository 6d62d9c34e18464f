/* The libpq side of bench/native: a 100,000-row fetch (3 columns) and 2,000 sequential parameterised queries over
 * TCP. Prints one line per sample: "<case> <milliseconds>". Usage: libpq_bench CONNINFO ROUNDS */
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void die(PGconn* c, const char* what) {
  fprintf(stderr, "libpq_bench: %s: %s\n", what, PQerrorMessage(c));
  exit(1);
}

static const char* fetch_sql =
    "select g, 'row-' || g as name, g * 1.5 as score from generate_series(1, 100000) g";

static size_t fetch(PGconn* c) {
  PGresult* r = PQexec(c, fetch_sql);
  if (PQresultStatus(r) != PGRES_TUPLES_OK) die(c, "fetch");
  size_t bytes = 0;
  const int rows = PQntuples(r), cols = PQnfields(r);
  for (int i = 0; i < rows; ++i) {
    for (int j = 0; j < cols; ++j) bytes += (size_t)PQgetlength(r, i, j) + (PQgetvalue(r, i, j)[0] != 0);
  }
  if (rows != 100000) die(c, "row count");
  PQclear(r);
  return bytes;
}

static long sequential(PGconn* c) {
  long sum = 0;
  char buf[16];
  for (int i = 0; i < 2000; ++i) {
    snprintf(buf, sizeof buf, "%d", i);
    const char* values[1] = {buf};
    PGresult* r = PQexecParams(c, "select $1::int", 1, NULL, values, NULL, NULL, 0);
    if (PQresultStatus(r) != PGRES_TUPLES_OK) die(c, "select $1::int");
    sum += atol(PQgetvalue(r, 0, 0));
    PQclear(r);
  }
  return sum;
}

/* A fresh connection, its first query, its end: "connect <ms>" per round. */
static int connect_rounds(const char* conninfo, int rounds) {
  for (int k = 0; k < rounds; ++k) {
    double t = now_ms();
    PGconn* c = PQconnectdb(conninfo);
    if (PQstatus(c) != CONNECTION_OK) die(c, "connect");
    PGresult* r = PQexec(c, "select 1");
    if (PQresultStatus(r) != PGRES_TUPLES_OK) die(c, "select 1");
    PQclear(r);
    PQfinish(c);
    printf("connect %.3f\n", now_ms() - t);
  }
  return 0;
}

int main(int argc, char** argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: libpq_bench CONNINFO ROUNDS [connect]\n");
    return 2;
  }
  if (argc > 3 && strcmp(argv[3], "connect") == 0) return connect_rounds(argv[1], atoi(argv[2]));
  PGconn* c = PQconnectdb(argv[1]);
  if (PQstatus(c) != CONNECTION_OK) die(c, "connect");
  const int rounds = atoi(argv[2]);
  volatile size_t sink = fetch(c) + (size_t)sequential(c); /* warm-up */
  for (int k = 0; k < rounds; ++k) {
    double t = now_ms();
    sink += fetch(c);
    printf("fetch %.3f\n", now_ms() - t);
    t = now_ms();
    sink += (size_t)sequential(c);
    printf("sequential %.3f\n", now_ms() - t);
  }
  (void)sink;
  PQfinish(c);
  return 0;
}
