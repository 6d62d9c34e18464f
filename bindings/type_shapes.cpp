#include "type_shapes.hpp"

#include "edgepg/pg/text_codec.hpp"

namespace edgepg::bindings {

TypeShape shape_for_type(std::uint32_t type_oid) noexcept {
  using K = ValueKind;
  auto scalar = [](K k) { return TypeShape{k, K::text, ','}; };
  auto array = [](K element) { return TypeShape{K::array, element, ','}; };
  switch (type_oid) {
    case pg::oid::bool_:
      return scalar(K::boolean);
    case pg::oid::int2:
    case pg::oid::int4:
    case pg::oid::oid:
    case pg::oid::float4:
    case pg::oid::float8:
      return scalar(K::number);
    case pg::oid::int8:
      return scalar(K::int8);
    case pg::oid::json:
    case pg::oid::jsonb:
      return scalar(K::json);
    case pg::oid::bytea:
      return scalar(K::bytea);
    case pg::oid::date:
    case pg::oid::timestamp:
    case pg::oid::timestamptz:
      return scalar(K::timestamp);
    case pg::oid::interval:
      return scalar(K::interval);
    case pg::oid::point:
      return scalar(K::point);
    case pg::oid::circle:
      return scalar(K::circle);
    case 1000:
      return array(K::boolean);  // bool[]
    case 1001:
      return array(K::bytea);  // bytea[]
    case 1005:                 // int2[]
    case 1007:                 // int4[]
    case 1028:
      return array(K::number);  // oid[]
    case 1016:
      return array(K::int8);  // int8[]
    case 1017:
      return array(K::point);  // point[]
    case 1021:                 // float4[]
    case 1022:                 // float8[]
    case 1231:
      return array(K::number);  // numeric[] (node-postgres parses these as floats)
    case 651:                   // cidr[]
    case 1014:                  // bpchar[]
    case 1015:                  // varchar[]
    case 1008:                  // regproc[]
    case 1009:                  // text[]
    case 1040:                  // macaddr[]
    case 1041:                  // inet[]
    case 3907:                  // numrange[]
    case 2951:                  // uuid[]
    case 791:                   // money[]
    case 1183:                  // time[]
    case 1270:
      return array(K::text);  // timetz[]
    case 1115:                // timestamp[]
    case 1182:                // date[]
    case 1185:
      return array(K::timestamp);  // timestamptz[]
    case 1187:
      return array(K::interval);  // interval[]
    case 199:                     // json[]
    case 3807:
      return array(K::json);  // jsonb[]
    default:
      return scalar(K::text);
  }
}

}  // namespace edgepg::bindings
