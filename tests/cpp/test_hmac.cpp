// SHA-256 and HMAC-SHA-256 (detail/hmac_sha256.hpp), the keyed pseudonyms of exported lists.
// Expected digests are the published ones: FIPS 180-4 / NIST CSRC examples for SHA-256 and every
// test case of RFC 4231 section 4 for HMAC-SHA-256; the block-boundary lengths are from Python's
// hashlib (an independent implementation).
#include <gtest/gtest.h>

#include <commdx/detail/hmac_sha256.hpp>
#include <commdx/detail/plan_util.hpp>
#include <commdx/plan.hpp>

#include <set>
#include <string>

namespace {

using commdx::detail::digest_hex;
using commdx::detail::hmac_sha256;
using commdx::detail::sha256_of;

std::string bytes(std::size_t n, unsigned char c) { return std::string(n, static_cast<char>(c)); }

TEST(Sha256, MatchesTheFipsExamples) {
  EXPECT_EQ(digest_hex(sha256_of("")), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(digest_hex(sha256_of("abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(digest_hex(sha256_of("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(digest_hex(sha256_of(std::string(1000000, 'a'))),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256, PadsCorrectlyAtEveryBlockBoundary) {
  // 55 bytes is the longest message whose padding fits one block; 56..64 need a second one.
  const std::pair<std::size_t, const char*> cases[] = {
      {55, "d5e285683cd4efc02d021a5c62014694958901005d6f71e89e0989fac77e4072"},
      {56, "04c26261370ee7541549d16dee320c723e3fd14671e66a099afe0a377c16888e"},
      {63, "75220b47218278e656f2013bb8f0c455a25eaf01e86c64924e9d48d89776d6f2"},
      {64, "7ce100971f64e7001e8fe5a51973ecdfe1ced42befe7ee8d5fd6219506b5393c"},
      {65, "9537c5fdf120482f7d58d25e9ed583f52c02b4e304ea814db1633ad565aed7e9"},
      {119, "000b48d4edf0fa7bee3c6236ecd2785baa5db4eeb8bb54341b029e0d9fa5fb0c"},
      {120, "13f05a0b594787f5ecd315edc96141bd3243203d1b7d4f0836f37308b276ba98"},
      {128, "24da1b81d0b16df6428eee73c69fcb2a93c76bc6df706f0c6670fe6bfe800464"}};
  for (const auto& [n, hex] : cases) EXPECT_EQ(digest_hex(sha256_of(std::string(n, 'x'))), hex) << n;
}

TEST(Sha256, IncrementalUpdatesEqualOneShot) {
  const std::string msg = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq" + std::string(70, 'z');
  for (std::size_t cut = 0; cut <= msg.size(); cut += 7) {
    commdx::detail::sha256 s;
    s.update(std::string_view(msg).substr(0, cut));
    s.update(std::string_view(msg).substr(cut));
    EXPECT_EQ(s.finish(), sha256_of(msg)) << cut;
  }
}

// RFC 4231, section 4: test cases 1-7 (case 5 is truncated to 128 bits by the RFC).
TEST(HmacSha256, MatchesEveryRfc4231TestCase) {
  std::string key4;
  for (int i = 1; i <= 25; ++i) key4.push_back(static_cast<char>(i));
  struct tc {
    std::string key, data;
    const char* hex;
  };
  const tc cases[] = {
      {bytes(20, 0x0b), "Hi There", "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"},
      {"Jefe", "what do ya want for nothing?", "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"},
      {bytes(20, 0xaa), bytes(50, 0xdd), "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"},
      {key4, bytes(50, 0xcd), "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"},
      {bytes(20, 0x0c), "Test With Truncation", "a3b6167473100ee06e0c796c2955552b"},
      {bytes(131, 0xaa), "Test Using Larger Than Block-Size Key - Hash Key First",
       "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"},
      {bytes(131, 0xaa),
       "This is a test using a larger than block-size key and a larger than block-size data. The key needs to "
       "be hashed before being used by the HMAC algorithm.",
       "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"}};
  int n = 0;
  for (const auto& c : cases) {
    ++n;
    const std::string expected = c.hex;
    EXPECT_EQ(digest_hex(hmac_sha256(c.key, c.data), expected.size() / 2), expected) << "RFC 4231 test case " << n;
  }
}

TEST(PlanPseudonym, IsPrefixedHmacHexStablePerKeyAndDifferentAcrossKeys) {
  using commdx::detail::plan_pseudonym;
  const std::string k1 = bytes(32, 0x11), k2 = bytes(32, 0x12);
  // RFC 4231 case 2 again, through the pseudonym: "P-" + the first 20 hex digits of the HMAC
  EXPECT_EQ(plan_pseudonym("Jefe", "what do ya want for nothing?"), "P-5bdcc146bf60754e6a04");
  EXPECT_EQ(plan_pseudonym(k1, "H26506-000123"), plan_pseudonym(k1, "H26506-000123"));
  EXPECT_NE(plan_pseudonym(k1, "H26506-000123"), plan_pseudonym(k2, "H26506-000123"));
  EXPECT_EQ(plan_pseudonym(k1, "x").size(), 2u + commdx::detail::plan_pseudonym_hex_digits);
  // 20,000 sequential ids under one key: no two share a pseudonym
  std::set<std::string> seen;
  for (int i = 0; i < 20000; ++i) seen.insert(plan_pseudonym(k1, "H26506-" + std::to_string(100000 + i)));
  EXPECT_EQ(seen.size(), 20000u);
}

TEST(PlanOptions, HaveNoDefaultKey) {
  const commdx::plan_options opt;
  EXPECT_TRUE(opt.key.empty());
  EXPECT_FALSE(opt.with_names);
}

}  // namespace
