// The differential corpus: queries whose results must be deep-equal through `pg` (TCP) and edgepg (WebSocket).
// Each entry is [sql, values?]. Built from per-type literals so every type appears as a value, NULL, and array.
const scalars = {
  bool: ['true', 'false'],
  int2: ['0', '-32768', '32767'],
  int4: ['0', '-2147483648', '2147483647', '42'],
  int8: ['0', '-9223372036854775808', '9223372036854775807', '9007199254740993'],
  oid: ['0', '4294967295'],
  float4: ['1.5', '-0.25', "'NaN'", "'Infinity'", "'-Infinity'", '3.4028235e38'],
  float8: ['0.1', '-1e-300', '1e300', "'NaN'", "'Infinity'", "'-Infinity'", '123456789.123456789'],
  numeric: ['0', '-1.50', '123456789012345678901234567890.123456789', "'NaN'"],
  text: ["''", "'hello'", "'unicode ünïcödé 東京'", "'astral 🐘👋𝄞'", "'quote '' and \\ backslash'", "repeat('x', 100000)"],
  varchar: ["'v'", "''"],
  bpchar: ["'ab'::char(4)"],
  name: ["'pg_catalog'"],
  char: ["'x'::\"char\""],
  bytea: ["'\\x'::bytea", "'\\xdeadbeef'::bytea", "convert_to('héllo', 'UTF8')", "decode(repeat('ff', 1000), 'hex')"],
  json: ['\'{"a":1,"b":[true,null,"x"]}\'', "'[]'", "'\"str\"'", "'12.5'", "'null'"],
  jsonb: ['\'{"z":1,"a":{"nested":[1,2,3]}}\'', "'[1,\"🐘\"]'", "'false'"],
  uuid: ["'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'"],
  date: ["'2024-02-29'", "'1999-12-31'", "'0044-03-15 BC'", "'0099-01-01'", "'infinity'", "'-infinity'", "'12345-06-07'"],
  timestamp: ["'2024-01-02 03:04:05.678'", "'2024-01-02 03:04:05.123456'", "'1970-01-01 00:00:00'", "'0010-05-06 07:08:09 BC'", "'infinity'", "'-infinity'"],
  timestamptz: ["'2024-01-02 03:04:05.678+00'", "'2024-06-30 23:59:59.999999+05:30'", "'1901-01-01 00:00:00-08'", "'0044-03-15 12:00:00+00 BC'", "'infinity'", "'-infinity'"],
  time: ["'04:05:06.789'", "'24:00:00'"],
  timetz: ["'04:05:06+02'"],
  interval: ["'1 year 2 months 3 days 04:05:06.789'", "'-1 day -02:03:04'", "'0'", "'100 hours'", "'1 mon'", "'-3 years 2 mons'", "'00:00:00.000001'"],
  inet: ["'192.168.0.1/24'", "'::1'"],
  cidr: ["'10.0.0.0/8'"],
  macaddr: ["'08:00:2b:01:02:03'"],
  point: ["'(1.5,-2)'"],
  circle: ["'<(1,2),3>'"],
  money: ["12.34"],
  int4range: ["'[1,10)'"],
}

const arrayable = ['bool', 'int2', 'int4', 'int8', 'float4', 'float8', 'numeric', 'text', 'varchar', 'bytea', 'json', 'jsonb', 'uuid', 'date', 'timestamp', 'timestamptz', 'time', 'timetz', 'interval', 'inet', 'cidr', 'macaddr', 'point']

export function corpus() {
  const q = []
  for (const [type, values] of Object.entries(scalars)) {
    const cast = type === 'char' ? '"char"' : type
    for (const v of values) q.push([`select (${v})::${cast} as v`])
    q.push([`select null::${cast} as v`])
    if (arrayable.includes(type)) {
      const vs = values.filter((v) => !v.startsWith('repeat') && !v.startsWith('decode'))
      q.push([`select array[${vs.map((v) => `(${v})::${cast}`).join(', ')}, null] as v`])
      q.push([`select array[]::${cast}[] as v`])
    }
  }
  // Multi-dimensional arrays, quoting, NULLs and empty strings inside arrays.
  q.push(['select array[[1,2],[3,4]]::int[] as v'])
  q.push(['select array[[[1],[2]],[[3],[4]]]::int8[] as v'])
  q.push(["select array['a,b', 'c\"d', 'e\\f', '', 'NULL', null, ' spaced ', '{braces}']::text[] as v"])
  q.push(["select array[array['x', null], array['', 'y']]::text[] as v"])
  q.push(["select '[0:1]={7,8}'::int[] as v"])
  q.push(["select array['{\"a\":1}'::jsonb, '[2]'::jsonb] as v"])
  // Parameters, serialised as node-postgres does.
  q.push(['select $1::int as a, $2::text as b, $3::bool as c', [1, 'two', false]])
  q.push(['select $1::text as v', ['ünïcödé 🐘']])
  q.push(['select $1::int[] as v', [[1, 2, null, 4]]])
  q.push(['select $1::text[] as v', [['a', 'b,c', 'd"e', null, '']]])
  q.push(['select $1::int[][] as v', [[[1, 2], [3, 4]]]])
  q.push(['select $1::jsonb as v', [{ a: [1, { b: null }], c: 'x' }]])
  q.push(['select $1::json as v', [JSON.stringify([1, 2, 3])]])
  q.push(['select $1::bytea as v', [new Uint8Array([0, 1, 2, 255])]])
  q.push(['select $1::timestamptz as v', [new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 678))]])
  q.push(['select $1::timestamptz as v', [new Date(Date.UTC(-50, 0, 1))]])
  q.push(['select $1::date as v', ['2024-02-29']])
  q.push(['select $1::int8 as v', [9007199254740993n]])
  q.push(['select $1::float8 as v', [0.1 + 0.2]])
  q.push(['select $1::numeric as v', ['3.14159265358979323846']])
  q.push(['select $1 as v', [null]])
  q.push(['select $1::text as v', [undefined]])
  q.push(['select $1::text as a, $2::text as b', ['', ' ']])
  q.push(['select $1::bool as v', [true]])
  q.push(['select $1::interval as v', ['1 day 02:00:00']])
  // Results: several rows and columns, empty results, big results, column names.
  q.push(['select g as id, g::text as t, g % 2 = 0 as even from generate_series(1, 1000) g'])
  q.push(["select g, repeat('é', g % 50) as s, g * 1.5 as f from generate_series(1, 5000) g"])
  q.push(['select 1 as a where false'])
  q.push(['select 1 as "Mixed Case", 2 as "with space", 3 as "ünï"'])
  q.push(['select 1 as dup, 2 as dup'])
  q.push(['select * from (values (1, null), (null, 2)) t(a, b)'])
  q.push(["select string_agg(md5(g::text), '') as big from generate_series(1, 20000) g"])
  q.push(['select row(1, 2) as r'])
  q.push(["select 'a'::text || chr(0x10FFFF) as v"])
  // Errors: the same SQLSTATE through both.
  q.push(['select 1/0'])
  q.push(['select nope'])
  q.push(['select 1 from from'])
  q.push(["select 'x'::int"])
  q.push(['select $1::int', ['not a number']])
  q.push(["select repeat('x', 3)::int"])
  q.push(['select 2147483647::int + 1'])
  q.push(['select * from missing_table'])
  q.push(["select 'a'::jsonb"])
  q.push(["select '2024-13-01'::date"])
  return q
}
