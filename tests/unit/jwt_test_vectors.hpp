// Test vectors for jwt_test.cpp and jwk_test.cpp.
// Generated once by a Python script (cryptography 48.0.0): keys are throwaway test keys.
// Claims of every signed token:
// {'sub':'user-1','iss':'https://issuer.example','aud':'api','exp':2000000000,'iat':1700000000,'realm_access':{'roles':['viewer','app_user']}}
#pragma once

namespace jwt_vectors {

inline constexpr const char* kJwks =
    "{\"keys\":[{\"kty\":\"RSA\",\"kid\":\"rsa-1\",\"use\":\"sig\",\"n\":\"0B4xT3Y_"
    "evZWz7JgQO43PQocTMkmmtbqcSzsKuqJRQSnIdI"
    "dldrsmmu7GnpUHAupV7OdghDgJUCYPsXah0pRBvLIObKgw9sWlungjegKmPHVUKROhMD0kNHzsygZtOVdslpwdg7U4rLzK2NC5qo"
    "lmnYXYFhBBQQ7y5r9mrnySax3piFl62VCIMcyQOMXz-70YM7TvTEM8_VOcuE5BKOltjykaVMoZfTQCTr1SGvjEt8XdysWQMHUpQ8"
    "WZW9UT7hX2SzB6QOOqvDPu3ZRmasCey8Bt6QpVAMwPexCYKPAfvSvl0tY3dG9Rb2sGFvIoPFZ_ZRvv20GC4DjqMYEJi4HZQ\",\"e\""
    ":\"AQAB\"},{\"kty\":\"EC\",\"kid\":\"ec-256\",\"crv\":\"P-256\",\"x\":\"duXuaaa_"
    "d8p89G085uoZk1NJrdhMiRkgGRMXjZekPKU\","
    "\"y\":\"0hmZeIZXafzzRPDbk8KYiHsQf5-VKKmIzlXUA_mHcgI\"},{\"kty\":\"EC\",\"kid\":\"ec-384\",\"crv\":\"P-384\",\"x\":"
    "\"udv"
    "G8tpabUo0v8vSPyDT0EFewD1v4eYU6D-0ELCAF9Q8xPR1a32cOnRWKftQuAeu\",\"y\":\"DLZrF0vmOhhXo_wfjyJMSjB4wJSMi0Zr"
    "QFRMurAggIbhP-w1-wzf98A1I5DGs-lj\"},{\"kty\":\"EC\",\"kid\":\"ec-521\",\"crv\":\"P-521\",\"x\":\"AHTPt8fZ5MPwtu_"
    "5TFH"
    "TJAvv5iYMBCLTrEUUfYRCaor_YwE-Bz-tEgfQWhmR5J5Y-pfElN9M7yFydmq-f40WWZCa\",\"y\":\"Ae6uUOIUboImVuMC3AmxlC3c"
    "zy4blJ3XMCUFwZy2_17cMF8tdRA_tVep0y5IWdGZFZ60cwN_TNWxQwpSSnrh820b\"},{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"kid"
    "\":\"ed-1\",\"x\":\"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo\"},{\"kty\":\"RSA\",\"kid\":\"rsa-small\",\"n\":"
    "\"oUbv"
    "rgghLeBk1Ezn4gFx9OzBpIYT1seUAPwyirn_XzredRGcmsjWZqbvG2mwjm3h_Y7OBZH9uBdhHt_1wq2GmqPFVRBZAd3H9ggIvNW8"
    "d6YKfOlmoo42jYTDPK84qZHyWTKML9GuDKpzBLxSdJje6x6F2DCUKd300QdleW_lDCM\",\"e\":\"AQAB\"},{\"kty\":\"RSA\",\"kid\":"
    "\"enc-1\",\"use\":\"enc\",\"n\":\"0B4xT3Y_evZWz7JgQO43PQocTMkmmtbqcSzsKuqJRQSnIdIdldrsmmu7GnpUHAupV7OdghDgJUC"
    "YPsXah0pRBvLIObKgw9sWlungjegKmPHVUKROhMD0kNHzsygZtOVdslpwdg7U4rLzK2NC5qolmnYXYFhBBQQ7y5r9mrnySax3piF"
    "l62VCIMcyQOMXz-70YM7TvTEM8_VOcuE5BKOltjykaVMoZfTQCTr1SGvjEt8XdysWQMHUpQ8WZW9UT7hX2SzB6QOOqvDPu3ZRmas"
    "Cey8Bt6QpVAMwPexCYKPAfvSvl0tY3dG9Rb2sGFvIoPFZ_ZRvv20GC4DjqMYEJi4HZQ\",\"e\":\"AQAB\"}]}";
inline constexpr const char* kRsaJwk =
    "{\"kty\":\"RSA\",\"kid\":\"rsa-1\",\"use\":\"sig\",\"n\":\"0B4xT3Y_"
    "evZWz7JgQO43PQocTMkmmtbqcSzsKuqJRQSnIdIdldrsmmu7"
    "GnpUHAupV7OdghDgJUCYPsXah0pRBvLIObKgw9sWlungjegKmPHVUKROhMD0kNHzsygZtOVdslpwdg7U4rLzK2NC5qolmnYXYFhB"
    "BQQ7y5r9mrnySax3piFl62VCIMcyQOMXz-70YM7TvTEM8_VOcuE5BKOltjykaVMoZfTQCTr1SGvjEt8XdysWQMHUpQ8WZW9UT7hX"
    "2SzB6QOOqvDPu3ZRmasCey8Bt6QpVAMwPexCYKPAfvSvl0tY3dG9Rb2sGFvIoPFZ_ZRvv20GC4DjqMYEJi4HZQ\",\"e\":\"AQAB\"}";
inline constexpr const char* kSmallRsaJwk =
    "{\"kty\":\"RSA\",\"kid\":\"rsa-small\",\"n\":\"oUbvrgghLeBk1Ezn4gFx9OzBpIYT1seUAPwyirn_XzredRGcmsjWZqbvG2mwjm3h"
    "_Y7OBZH9uBdhHt_1wq2GmqPFVRBZAd3H9ggIvNW8d6YKfOlmoo42jYTDPK84qZHyWTKML9GuDKpzBLxSdJje6x6F2DCUKd300Qdl"
    "eW_lDCM\",\"e\":\"AQAB\"}";
inline constexpr const char* kRS256Token =
    "eyJhbGciOiJSUzI1NiIsImtpZCI6InJzYS0xIn0.eyJzdWIiOiJ1c2VyLTEiLCJpc3MiOiJodHRwczovL2lzc3Vlci5leGFtcGxl"
    "IiwiYXVkIjoiYXBpIiwiZXhwIjoyMDAwMDAwMDAwLCJpYXQiOjE3MDAwMDAwMDAsInJlYWxtX2FjY2VzcyI6eyJyb2xlcyI6WyJ2"
    "aWV3ZXIiLCJhcHBfdXNlciJdfX0.CVKs383ny7MDsSiS0SVLCVkYrgclNKHMq7i6x9BbCORDBg03mJyWf9dvDpRpWnvAQNgnienp"
    "bWzpqZ6q1HVZdP2NACHgNGmHHiO_xltv9urcy5tLJRMWQJ7zruHpkDLukb_4oL1GZZgF0MN4IHjzj-KHR1V3a-G5E-msWDgnrDvy"
    "Iqem8H8tYQsBsvZTLGjpzyWGCYux3EY_vW-b8v3QzfqoexyeMwxsBhf__HqTVp9fSaltUH3cCxLM_D8vBn1jvQVJCHmPslJJPdm7"
    "-vwV_oCdLQP2u4ryl4lK2YYO7DN5Pe4JwxG4uyz91-24IjXzYeFl0lmVR_xIM7_GhZLsEA";
inline constexpr const char* kRS384Token =
    "eyJhbGciOiJSUzM4NCIsImtpZCI6InJzYS0xIn0.eyJzdWIiOiJ1c2VyLTEiLCJpc3MiOiJodHRwczovL2lzc3Vlci5leGFtcGxl"
    "IiwiYXVkIjoiYXBpIiwiZXhwIjoyMDAwMDAwMDAwLCJpYXQiOjE3MDAwMDAwMDAsInJlYWxtX2FjY2VzcyI6eyJyb2xlcyI6WyJ2"
    "aWV3ZXIiLCJhcHBfdXNlciJdfX0.NpeXKJm14rWm-MfxVuDL8OIkzMsNkiUlZbRmLxOz_30GZ_eSzZ2i4wINMDW_vpUpk-m7rbn4"
    "EWTeGJuLTuXHnTfa2gHbsl0U9oFxP0kclEYGL2IOKtuAeeqUdjJt1jka-dCgkiJgM8RIJtsbGMwQyfw9vD1kaU8Fs4OUWT7gsctA"
    "YjHqkh2zeHSXT7ZwYcgNom_cEOpVIs1QLR2cKov_642ZDew19FGcuTumQNoYcwuegC7-VBwyWp4waJMfNDa8tUDDsMm7vG4OzuOY"
    "6cJ7qzSLBoIXsufcbGcxkL2aPXaUWkYPuwE2U6DDGTYAbcNNpt8F68MBcgRt8TEIn8yrKg";
inline constexpr const char* kRS512Token =
    "eyJhbGciOiJSUzUxMiIsImtpZCI6InJzYS0xIn0.eyJzdWIiOiJ1c2VyLTEiLCJpc3MiOiJodHRwczovL2lzc3Vlci5leGFtcGxl"
    "IiwiYXVkIjoiYXBpIiwiZXhwIjoyMDAwMDAwMDAwLCJpYXQiOjE3MDAwMDAwMDAsInJlYWxtX2FjY2VzcyI6eyJyb2xlcyI6WyJ2"
    "aWV3ZXIiLCJhcHBfdXNlciJdfX0.MXuQ_G7EqeTF9lXGP04Gj8vf-R2eFt2LxeH1GscVo24jpIdwbEKbYgF7GqSqTL3Jr8Z0cyuE"
    "HGE0rc592j9Ed94T9rcU6r8-Qaijwzd2mAMJ15aGw1wsLtvjXLuImV1opIJc41lyNcmjP34CApnbRhmor3RWr8Qs-XOui2jdyhtV"
    "sItN3GxJgYQlvCORG9sERgYIL5DWFPKEoZCKEmapDJqi6KY0alIOIWULBT8qJpyvpUWPnArkAd7DbBV5r6qL5gYzHQ1AuBmrx_Ue"
    "aWnJrq9sfnssvWi-kwlZwlri-lXgK6Zrw5HT4DPOwZ9dAobq4VeKD3xOpcDwmVHRLdibEg";
inline constexpr const char* kPS256Token =
    "eyJhbGciOiJQUzI1NiIsImtpZCI6InJzYS0xIn0.eyJzdWIiOiJ1c2VyLTEiLCJpc3MiOiJodHRwczovL2lzc3Vlci5leGFtcGxl"
    "IiwiYXVkIjoiYXBpIiwiZXhwIjoyMDAwMDAwMDAwLCJpYXQiOjE3MDAwMDAwMDAsInJlYWxtX2FjY2VzcyI6eyJyb2xlcyI6WyJ2"
    "aWV3ZXIiLCJhcHBfdXNlciJdfX0.mFEBmr9Tzcx7XljlTE1pTJ3-U7pog0bYPdw75XIDrF5OswMQ6KH0-xkOzPI7zW-m5zAWBSYq"
    "mt_jkKkRJcKHQA1c3lhGR3FGNF7558FjcAo6EdLL-RevBIu3djpswkYkARyl72KxVxKKDqFH8CeWMdb_2uOYhadOE8h98bbHV4Hs"
    "QtPrSzbwb6pdnezIY5F5oBpb1iqMSYMOFbf3v6XRrvLlpc1TohqIO5UBC2PA6x8opILXnaRGXrxq5ZqdWgRCJDvc2SngGXFI-fbK"
    "IKK8EjqFOCS8f0dQhsbmseeOm5r7BtOA5E7JRYBJ51o4HuW1PPJnOlUELXiNG1OygdsFOg";
inline constexpr const char* kPS384Token =
    "eyJhbGciOiJQUzM4NCIsImtpZCI6InJzYS0xIn0.eyJzdWIiOiJ1c2VyLTEiLCJpc3MiOiJodHRwczovL2lzc3Vlci5leGFtcGxl"
    "IiwiYXVkIjoiYXBpIiwiZXhwIjoyMDAwMDAwMDAwLCJpYXQiOjE3MDAwMDAwMDAsInJlYWxtX2FjY2VzcyI6eyJyb2xlcyI6WyJ2"
    "aWV3ZXIiLCJhcHBfdXNlciJdfX0.pj-3-5WqLl-PLNSMRTUJaWDtdxqd0Fe_O6b4jkj-QgXMS8nRgASdBq5U2Jakm89tsl7o8DlH"
    "VvV8T3hj7qlWXVVpFyto_oeI26s2EKMdcR6gVcO3Tm6CVoWDW-0sVh_932q01syKoUZAG3BnNmNeV65rDpHSFWerBz8jucbTZfEQ"
    "Vk8eKmdMsGNa9i6XEBeGYCMPh31slfCK00M7zWh8FJvhNvqydkqrbDsMLl2fEmKZ4II5y35YfUJdwN0ifhqB0ha7e_8a82X95YRO"
    "oDTpCh4WjKMgrN3kgcXbIO_IIYg3Rj73V7u4tn7oMRGWeddodlITj7Aqy4XbynA2Fluebw";
inline constexpr const char* kPS512Token =
    "eyJhbGciOiJQUzUxMiIsImtpZCI6InJzYS0xIn0.eyJzdWIiOiJ1c2VyLTEiLCJpc3MiOiJodHRwczovL2lzc3Vlci5leGFtcGxl"
    "IiwiYXVkIjoiYXBpIiwiZXhwIjoyMDAwMDAwMDAwLCJpYXQiOjE3MDAwMDAwMDAsInJlYWxtX2FjY2VzcyI6eyJyb2xlcyI6WyJ2"
    "aWV3ZXIiLCJhcHBfdXNlciJdfX0.Ly3zijhKmXl7gfHxloqxELbZZX1M_AnhPUZ1qA-zoPKWV7FI87SDOv8OWcFbjt8zchUjn2B9"
    "cPGYe7s862hYR429lD1LzYs9Z0y3ckTz-6yilX7ZtMrMMkmaVtude0Kobjeyr2ej-OHeUQr5o9t1MM-WaabbfYPqiRwENV1eTeDz"
    "TUTrJ5yh_jIcWutjUcBTtDPY1-zn53Gd0oR0y6KnR5kdgkr1k8DHe0WyiDB85Ow8QPzMkJFEV5p_hmRVrEI25_dwbTJVG-oJLnV3"
    "y_G07cwAuBNKBY_A_sbW_K3W0wadOjNLXjqWZvrZPOsWlcZTjtg5UyAHYfZoUVTv2m2fDw";
inline constexpr const char* kRs256NoKidToken =
    "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c2VyLTEiLCJpc3MiOiJodHRwczovL2lzc3Vlci5leGFtcGxlIiwiYXVkIjoiYXBpIiw"
    "iZXhwIjoyMDAwMDAwMDAwLCJpYXQiOjE3MDAwMDAwMDAsInJlYWxtX2FjY2VzcyI6eyJyb2xlcyI6WyJ2aWV3ZXIiLCJhcHBfdXN"
    "lciJdfX0.oyLPp0qfRi10XrwBRrFp9ksECyR55ntXcJmGKOF1E5jT41Dk3JDB7lCqJTsRlvH2NIsGepHRZm019BdvY0n5DJ_pQxR"
    "OA5BCR3nUz-AsvWM8xCKxazxt3ZDmejlHRbOiDgYUOaWq488WEUlbdhU_iLFa48mnA0TN83MaIPX3CuonS4_6-LpPhEMs519PEmB"
    "qMzqcx1edoJyACiAKBm8FD4Swh7Qb0pDzJBrDzbV4AkggSgbbZFo7Jp6SoXH7va0H_Nw-TQ3M-PRxM0axJmF0R9T5FBy-bD7qYSd"
    "nam0Gsuf0TY70AEb0H55NGA8RQBFSgOn-Y0wMEfgn-w0SuNTFfA";
inline constexpr const char* kRs256SmallKeyToken =
    "eyJhbGciOiJSUzI1NiIsImtpZCI6InJzYS1zbWFsbCJ9.eyJzdWIiOiJ1c2VyLTEiLCJpc3MiOiJodHRwczovL2lzc3Vlci5leGF"
    "tcGxlIiwiYXVkIjoiYXBpIiwiZXhwIjoyMDAwMDAwMDAwLCJpYXQiOjE3MDAwMDAwMDAsInJlYWxtX2FjY2VzcyI6eyJyb2xlcyI"
    "6WyJ2aWV3ZXIiLCJhcHBfdXNlciJdfX0.Yvr0gKnks_0z-TVO5s4wJejdPuaAxXdWFswyzacdpFRenm4fhUU5ug12peU7JXcFW4u"
    "6KhKV_Jta92nucVGT9Y6SuCdFDWuz_LwYNKD10n6QkjNiaBvZpDTiA73zyxh2o8MyExhiETHMdeHVBnJAnd8s0LodCnxuzGd8drQ"
    "VSW4";
inline constexpr const char* kRs256KidOfEcToken =
    "eyJhbGciOiJSUzI1NiIsImtpZCI6ImVjLTI1NiJ9.eyJzdWIiOiJ1c2VyLTEiLCJpc3MiOiJodHRwczovL2lzc3Vlci5leGFtcGx"
    "lIiwiYXVkIjoiYXBpIiwiZXhwIjoyMDAwMDAwMDAwLCJpYXQiOjE3MDAwMDAwMDAsInJlYWxtX2FjY2VzcyI6eyJyb2xlcyI6WyJ"
    "2aWV3ZXIiLCJhcHBfdXNlciJdfX0.v_MERo_m3jW5UZgnmgRr6U2uRSmWuRkvBxbOYxLQ0J9h4FwxMbA0xlF6_vRoGWUMot01__A"
    "BG-AKNtRFCcjXNdVGgMekw7Erm_hKZ3oHZu_uQWR884cBw07jw0eom3209rRshOs7NelArV3laFn8ZWi5os8Y579m4dYB_ARSqMi"
    "yKTbkD1K4Y3QreewcKT6bEaQfPinZ735cgQJR5BsIGJLM0N-C0_0J8vhwmazYr2p3By7voPNoaescMbQKZXZHgsQTHkPJ3xQfL19"
    "EdhZzrhWZHQYBNwmtGwCNI5F6-89zhC89REuf2ppnOwnuiyO7cfJZkl2v5DtsCFEX-daNYw";
inline constexpr const char* kES256Token =
    "eyJhbGciOiJFUzI1NiIsImtpZCI6ImVjLTI1NiJ9.eyJzdWIiOiJ1c2VyLTEiLCJpc3MiOiJodHRwczovL2lzc3Vlci5leGFtcGx"
    "lIiwiYXVkIjoiYXBpIiwiZXhwIjoyMDAwMDAwMDAwLCJpYXQiOjE3MDAwMDAwMDAsInJlYWxtX2FjY2VzcyI6eyJyb2xlcyI6WyJ"
    "2aWV3ZXIiLCJhcHBfdXNlciJdfX0.O1fmAvlhMbH3zfV0Q4-Dv1bVpj8PvjXzvYWaymIcp46IwDlBbFQcYZ6imW4-FLDeM_YvESC"
    "heF5dm8MaXvSEBw";
inline constexpr const char* kES384Token =
    "eyJhbGciOiJFUzM4NCIsImtpZCI6ImVjLTM4NCJ9.eyJzdWIiOiJ1c2VyLTEiLCJpc3MiOiJodHRwczovL2lzc3Vlci5leGFtcGx"
    "lIiwiYXVkIjoiYXBpIiwiZXhwIjoyMDAwMDAwMDAwLCJpYXQiOjE3MDAwMDAwMDAsInJlYWxtX2FjY2VzcyI6eyJyb2xlcyI6WyJ"
    "2aWV3ZXIiLCJhcHBfdXNlciJdfX0.wR68YDdsIyZiwelxirSQL5wm6BLSZPJ5CQSWMwTp9ZFlQ0cEUxJq3y7NWWCRd8zqiZluIpc"
    "qTQ97DUd4ZD_sVxZ-X0GmgkZzw5g00FZuxJwv4MNW47HYc3-HDy6L6ecT";
inline constexpr const char* kES512Token =
    "eyJhbGciOiJFUzUxMiIsImtpZCI6ImVjLTUyMSJ9.eyJzdWIiOiJ1c2VyLTEiLCJpc3MiOiJodHRwczovL2lzc3Vlci5leGFtcGx"
    "lIiwiYXVkIjoiYXBpIiwiZXhwIjoyMDAwMDAwMDAwLCJpYXQiOjE3MDAwMDAwMDAsInJlYWxtX2FjY2VzcyI6eyJyb2xlcyI6WyJ"
    "2aWV3ZXIiLCJhcHBfdXNlciJdfX0.ATO54p_Ey-SsvFmy05IuVlrDhk5auQDcEql6kkHKaaqlGSX2inZoPFuyOiqDx7PXy1o3J_e"
    "5UpOOTG32u4jAmXv1AbAjvdN2vwteHT3uDjqh8-czaFP50os0rrQ7Lh_WwiiafyKKtsUA6POV3Ownztq0QrEISWmCgYGLJrcEoqt"
    "HLLD5";
inline constexpr const char* kEdDsaToken =
    "eyJhbGciOiJFZERTQSIsImtpZCI6ImVkLTEifQ.eyJzdWIiOiJ1c2VyLTEiLCJpc3MiOiJodHRwczovL2lzc3Vlci5leGFtcGxlI"
    "iwiYXVkIjoiYXBpIiwiZXhwIjoyMDAwMDAwMDAwLCJpYXQiOjE3MDAwMDAwMDAsInJlYWxtX2FjY2VzcyI6eyJyb2xlcyI6WyJ2a"
    "WV3ZXIiLCJhcHBfdXNlciJdfX0.A2IEVPuds4pL6A_cvH5yKFZ8guLC9LCjUR-ttbIYlOFHl9oXoyW95L2br0Y64EBcIsbwD_TqX"
    "agZAO4ORL4wAQ";
inline constexpr const char* kRsaPem =
    "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA0B4xT3Y/evZWz7JgQO43\nPQocTMkm"
    "mtbqcSzsKuqJRQSnIdIdldrsmmu7GnpUHAupV7OdghDgJUCYPsXah0pR\nBvLIObKgw9sWlungjegKmPHVUKROhMD0kNHzsygZtOV"
    "dslpwdg7U4rLzK2NC5qol\nmnYXYFhBBQQ7y5r9mrnySax3piFl62VCIMcyQOMXz+70YM7TvTEM8/VOcuE5BKOl\ntjykaVMoZfTQC"
    "Tr1SGvjEt8XdysWQMHUpQ8WZW9UT7hX2SzB6QOOqvDPu3ZRmasC\ney8Bt6QpVAMwPexCYKPAfvSvl0tY3dG9Rb2sGFvIoPFZ/ZRv"
    "v20GC4DjqMYEJi4H\nZQIDAQAB\n-----END PUBLIC KEY-----\n";
inline constexpr const char* kHs256WithPemKidToken =
    "eyJhbGciOiJIUzI1NiIsImtpZCI6InJzYS0xIn0.eyJzdWIiOiJ1c2VyLTEiLCJpc3MiOiJodHRwczovL2lzc3Vlci5leGFtcGxl"
    "IiwiYXVkIjoiYXBpIiwiZXhwIjoyMDAwMDAwMDAwLCJpYXQiOjE3MDAwMDAwMDAsInJlYWxtX2FjY2VzcyI6eyJyb2xlcyI6WyJ2"
    "aWV3ZXIiLCJhcHBfdXNlciJdfX0.RP56PR18lUSHwK6vWAKNjrohIykl8WCNCxGoimXJkvg";
inline constexpr const char* kHs256WithPemNoKidToken =
    "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyLTEiLCJpc3MiOiJodHRwczovL2lzc3Vlci5leGFtcGxlIiwiYXVkIjoiYXBpIiw"
    "iZXhwIjoyMDAwMDAwMDAwLCJpYXQiOjE3MDAwMDAwMDAsInJlYWxtX2FjY2VzcyI6eyJyb2xlcyI6WyJ2aWV3ZXIiLCJhcHBfdXN"
    "lciJdfX0.31uG6e-9uTdiYGD1SbA9gWYLAUd9ACN2eLh4NBLyreg";
inline constexpr const char* kHs384Token =
    "eyJhbGciOiJIUzM4NCJ9.eyJzdWIiOiJ1c2VyLTEiLCJpc3MiOiJodHRwczovL2lzc3Vlci5leGFtcGxlIiwiYXVkIjoiYXBpIiw"
    "iZXhwIjoyMDAwMDAwMDAwLCJpYXQiOjE3MDAwMDAwMDAsInJlYWxtX2FjY2VzcyI6eyJyb2xlcyI6WyJ2aWV3ZXIiLCJhcHBfdXN"
    "lciJdfX0.MFY8ljP4nOZgq5asQkvo5Hn6nJn40g3uv8MjVYSHPN-2tYBi38BnuWTWoufAA2Fg";
inline constexpr const char* kHs512Token =
    "eyJhbGciOiJIUzUxMiJ9.eyJzdWIiOiJ1c2VyLTEiLCJpc3MiOiJodHRwczovL2lzc3Vlci5leGFtcGxlIiwiYXVkIjoiYXBpIiw"
    "iZXhwIjoyMDAwMDAwMDAwLCJpYXQiOjE3MDAwMDAwMDAsInJlYWxtX2FjY2VzcyI6eyJyb2xlcyI6WyJ2aWV3ZXIiLCJhcHBfdXN"
    "lciJdfX0.fo79K39wLtcEddBJeUxTO5uCKbJwpgQ3i2PUS1LuB3kltl0oFOrlhyFcpvXte76z9arFSHfEM79oQce8GPBL1A";
inline constexpr const char* kEcOffCurveJwk =
    "{\"kty\":\"EC\",\"kid\":\"ec-bad\",\"crv\":\"P-256\",\"x\":\"duXuaaa_d8p89G085uoZk1NJrdhMiRkgGRMXjZekPKU\",\"y\":"
    "\"0hmZ"
    "eIZXafzzRPDbk8KYiHsQf5-VKKmIzlXUA_mHcgM\"}";

}  // namespace jwt_vectors
