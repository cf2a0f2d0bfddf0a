#pragma once
// Vietnamese text: UTF-8 checking, NFC composition of Vietnamese letters, and the folding used to
// match hand-typed place names (P2): diacritics removed, "đ" to "d", lower case, any Unicode form.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace commdx::text {

/// Position of the first byte that is not valid UTF-8, or npos when all of it is valid.
inline std::size_t first_invalid_utf8(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  std::size_t n = s.size();
  std::size_t i = 0;
  while (i < n) {
    unsigned char c = p[i];
    std::size_t len;
    std::uint32_t cp;
    if (c < 0x80) { ++i; continue; }
    if ((c & 0xE0) == 0xC0) { len = 2; cp = c & 0x1Fu; }
    else if ((c & 0xF0) == 0xE0) { len = 3; cp = c & 0x0Fu; }
    else if ((c & 0xF8) == 0xF0) { len = 4; cp = c & 0x07u; }
    else return i;
    if (i + len > n) return i;
    for (std::size_t k = 1; k < len; ++k) {
      if ((p[i + k] & 0xC0) != 0x80) return i;
      cp = (cp << 6) | (p[i + k] & 0x3Fu);
    }
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
        cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return i;
    i += len;
  }
  return std::string_view::npos;
}

inline bool valid_utf8(std::string_view s) { return first_invalid_utf8(s) == std::string_view::npos; }

/// Decodes valid UTF-8 into code points (invalid bytes become U+FFFD).
inline std::u32string decode_utf8(std::string_view s) {
  std::u32string out;
  out.reserve(s.size());
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  std::size_t n = s.size(), i = 0;
  while (i < n) {
    std::size_t bad = first_invalid_utf8(s.substr(i, std::min<std::size_t>(4, n - i)));
    unsigned char c = p[i];
    if (c < 0x80) { out.push_back(c); ++i; continue; }
    std::size_t len = (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 1;
    if (bad == 0 || len == 1 || i + len > n) { out.push_back(0xFFFD); ++i; continue; }
    std::uint32_t cp = len == 2 ? (c & 0x1Fu) : len == 3 ? (c & 0x0Fu) : (c & 0x07u);
    for (std::size_t k = 1; k < len; ++k) cp = (cp << 6) | (p[i + k] & 0x3Fu);
    out.push_back(static_cast<char32_t>(cp));
    i += len;
  }
  return out;
}

inline void append_utf8(std::string& out, char32_t cp) {
  auto u = static_cast<std::uint32_t>(cp);
  if (u < 0x80) {
    out.push_back(static_cast<char>(u));
  } else if (u < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (u >> 6)));
    out.push_back(static_cast<char>(0x80 | (u & 0x3F)));
  } else if (u < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (u >> 12)));
    out.push_back(static_cast<char>(0x80 | ((u >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (u & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (u >> 18)));
    out.push_back(static_cast<char>(0x80 | ((u >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((u >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (u & 0x3F)));
  }
}

inline bool is_combining_mark(char32_t cp) { return cp >= 0x0300 && cp <= 0x036F; }

namespace detail {
// Latin letters with diacritics (U+00C0..U+024F, U+1E00..U+1EFF) to their lower-case ASCII base,
// generated from Python's unicodedata NFD decomposition; Đ/đ added by hand (no decomposition).
struct fold_entry { char32_t cp; char base; };
inline const fold_entry fold_table[] = {
    {0x00C0,'a'}, {0x00C1,'a'}, {0x00C2,'a'}, {0x00C3,'a'}, {0x00C4,'a'}, {0x00C5,'a'}, {0x00C7,'c'}, {0x00C8,'e'},
    {0x00C9,'e'}, {0x00CA,'e'}, {0x00CB,'e'}, {0x00CC,'i'}, {0x00CD,'i'}, {0x00CE,'i'}, {0x00CF,'i'}, {0x00D1,'n'},
    {0x00D2,'o'}, {0x00D3,'o'}, {0x00D4,'o'}, {0x00D5,'o'}, {0x00D6,'o'}, {0x00D9,'u'}, {0x00DA,'u'}, {0x00DB,'u'},
    {0x00DC,'u'}, {0x00DD,'y'}, {0x00E0,'a'}, {0x00E1,'a'}, {0x00E2,'a'}, {0x00E3,'a'}, {0x00E4,'a'}, {0x00E5,'a'},
    {0x00E7,'c'}, {0x00E8,'e'}, {0x00E9,'e'}, {0x00EA,'e'}, {0x00EB,'e'}, {0x00EC,'i'}, {0x00ED,'i'}, {0x00EE,'i'},
    {0x00EF,'i'}, {0x00F1,'n'}, {0x00F2,'o'}, {0x00F3,'o'}, {0x00F4,'o'}, {0x00F5,'o'}, {0x00F6,'o'}, {0x00F9,'u'},
    {0x00FA,'u'}, {0x00FB,'u'}, {0x00FC,'u'}, {0x00FD,'y'}, {0x00FF,'y'}, {0x0100,'a'}, {0x0101,'a'}, {0x0102,'a'},
    {0x0103,'a'}, {0x0104,'a'}, {0x0105,'a'}, {0x0106,'c'}, {0x0107,'c'}, {0x0108,'c'}, {0x0109,'c'}, {0x010A,'c'},
    {0x010B,'c'}, {0x010C,'c'}, {0x010D,'c'}, {0x010E,'d'}, {0x010F,'d'}, {0x0110,'d'}, {0x0111,'d'}, {0x0112,'e'},
    {0x0113,'e'}, {0x0114,'e'}, {0x0115,'e'}, {0x0116,'e'}, {0x0117,'e'}, {0x0118,'e'}, {0x0119,'e'}, {0x011A,'e'},
    {0x011B,'e'}, {0x011C,'g'}, {0x011D,'g'}, {0x011E,'g'}, {0x011F,'g'}, {0x0120,'g'}, {0x0121,'g'}, {0x0122,'g'},
    {0x0123,'g'}, {0x0124,'h'}, {0x0125,'h'}, {0x0128,'i'}, {0x0129,'i'}, {0x012A,'i'}, {0x012B,'i'}, {0x012C,'i'},
    {0x012D,'i'}, {0x012E,'i'}, {0x012F,'i'}, {0x0130,'i'}, {0x0134,'j'}, {0x0135,'j'}, {0x0136,'k'}, {0x0137,'k'},
    {0x0139,'l'}, {0x013A,'l'}, {0x013B,'l'}, {0x013C,'l'}, {0x013D,'l'}, {0x013E,'l'}, {0x0143,'n'}, {0x0144,'n'},
    {0x0145,'n'}, {0x0146,'n'}, {0x0147,'n'}, {0x0148,'n'}, {0x014C,'o'}, {0x014D,'o'}, {0x014E,'o'}, {0x014F,'o'},
    {0x0150,'o'}, {0x0151,'o'}, {0x0154,'r'}, {0x0155,'r'}, {0x0156,'r'}, {0x0157,'r'}, {0x0158,'r'}, {0x0159,'r'},
    {0x015A,'s'}, {0x015B,'s'}, {0x015C,'s'}, {0x015D,'s'}, {0x015E,'s'}, {0x015F,'s'}, {0x0160,'s'}, {0x0161,'s'},
    {0x0162,'t'}, {0x0163,'t'}, {0x0164,'t'}, {0x0165,'t'}, {0x0168,'u'}, {0x0169,'u'}, {0x016A,'u'}, {0x016B,'u'},
    {0x016C,'u'}, {0x016D,'u'}, {0x016E,'u'}, {0x016F,'u'}, {0x0170,'u'}, {0x0171,'u'}, {0x0172,'u'}, {0x0173,'u'},
    {0x0174,'w'}, {0x0175,'w'}, {0x0176,'y'}, {0x0177,'y'}, {0x0178,'y'}, {0x0179,'z'}, {0x017A,'z'}, {0x017B,'z'},
    {0x017C,'z'}, {0x017D,'z'}, {0x017E,'z'}, {0x01A0,'o'}, {0x01A1,'o'}, {0x01AF,'u'}, {0x01B0,'u'}, {0x01CD,'a'},
    {0x01CE,'a'}, {0x01CF,'i'}, {0x01D0,'i'}, {0x01D1,'o'}, {0x01D2,'o'}, {0x01D3,'u'}, {0x01D4,'u'}, {0x01D5,'u'},
    {0x01D6,'u'}, {0x01D7,'u'}, {0x01D8,'u'}, {0x01D9,'u'}, {0x01DA,'u'}, {0x01DB,'u'}, {0x01DC,'u'}, {0x01DE,'a'},
    {0x01DF,'a'}, {0x01E0,'a'}, {0x01E1,'a'}, {0x01E6,'g'}, {0x01E7,'g'}, {0x01E8,'k'}, {0x01E9,'k'}, {0x01EA,'o'},
    {0x01EB,'o'}, {0x01EC,'o'}, {0x01ED,'o'}, {0x01F0,'j'}, {0x01F4,'g'}, {0x01F5,'g'}, {0x01F8,'n'}, {0x01F9,'n'},
    {0x01FA,'a'}, {0x01FB,'a'}, {0x0200,'a'}, {0x0201,'a'}, {0x0202,'a'}, {0x0203,'a'}, {0x0204,'e'}, {0x0205,'e'},
    {0x0206,'e'}, {0x0207,'e'}, {0x0208,'i'}, {0x0209,'i'}, {0x020A,'i'}, {0x020B,'i'}, {0x020C,'o'}, {0x020D,'o'},
    {0x020E,'o'}, {0x020F,'o'}, {0x0210,'r'}, {0x0211,'r'}, {0x0212,'r'}, {0x0213,'r'}, {0x0214,'u'}, {0x0215,'u'},
    {0x0216,'u'}, {0x0217,'u'}, {0x0218,'s'}, {0x0219,'s'}, {0x021A,'t'}, {0x021B,'t'}, {0x021E,'h'}, {0x021F,'h'},
    {0x0226,'a'}, {0x0227,'a'}, {0x0228,'e'}, {0x0229,'e'}, {0x022A,'o'}, {0x022B,'o'}, {0x022C,'o'}, {0x022D,'o'},
    {0x022E,'o'}, {0x022F,'o'}, {0x0230,'o'}, {0x0231,'o'}, {0x0232,'y'}, {0x0233,'y'}, {0x1E00,'a'}, {0x1E01,'a'},
    {0x1E02,'b'}, {0x1E03,'b'}, {0x1E04,'b'}, {0x1E05,'b'}, {0x1E06,'b'}, {0x1E07,'b'}, {0x1E08,'c'}, {0x1E09,'c'},
    {0x1E0A,'d'}, {0x1E0B,'d'}, {0x1E0C,'d'}, {0x1E0D,'d'}, {0x1E0E,'d'}, {0x1E0F,'d'}, {0x1E10,'d'}, {0x1E11,'d'},
    {0x1E12,'d'}, {0x1E13,'d'}, {0x1E14,'e'}, {0x1E15,'e'}, {0x1E16,'e'}, {0x1E17,'e'}, {0x1E18,'e'}, {0x1E19,'e'},
    {0x1E1A,'e'}, {0x1E1B,'e'}, {0x1E1C,'e'}, {0x1E1D,'e'}, {0x1E1E,'f'}, {0x1E1F,'f'}, {0x1E20,'g'}, {0x1E21,'g'},
    {0x1E22,'h'}, {0x1E23,'h'}, {0x1E24,'h'}, {0x1E25,'h'}, {0x1E26,'h'}, {0x1E27,'h'}, {0x1E28,'h'}, {0x1E29,'h'},
    {0x1E2A,'h'}, {0x1E2B,'h'}, {0x1E2C,'i'}, {0x1E2D,'i'}, {0x1E2E,'i'}, {0x1E2F,'i'}, {0x1E30,'k'}, {0x1E31,'k'},
    {0x1E32,'k'}, {0x1E33,'k'}, {0x1E34,'k'}, {0x1E35,'k'}, {0x1E36,'l'}, {0x1E37,'l'}, {0x1E38,'l'}, {0x1E39,'l'},
    {0x1E3A,'l'}, {0x1E3B,'l'}, {0x1E3C,'l'}, {0x1E3D,'l'}, {0x1E3E,'m'}, {0x1E3F,'m'}, {0x1E40,'m'}, {0x1E41,'m'},
    {0x1E42,'m'}, {0x1E43,'m'}, {0x1E44,'n'}, {0x1E45,'n'}, {0x1E46,'n'}, {0x1E47,'n'}, {0x1E48,'n'}, {0x1E49,'n'},
    {0x1E4A,'n'}, {0x1E4B,'n'}, {0x1E4C,'o'}, {0x1E4D,'o'}, {0x1E4E,'o'}, {0x1E4F,'o'}, {0x1E50,'o'}, {0x1E51,'o'},
    {0x1E52,'o'}, {0x1E53,'o'}, {0x1E54,'p'}, {0x1E55,'p'}, {0x1E56,'p'}, {0x1E57,'p'}, {0x1E58,'r'}, {0x1E59,'r'},
    {0x1E5A,'r'}, {0x1E5B,'r'}, {0x1E5C,'r'}, {0x1E5D,'r'}, {0x1E5E,'r'}, {0x1E5F,'r'}, {0x1E60,'s'}, {0x1E61,'s'},
    {0x1E62,'s'}, {0x1E63,'s'}, {0x1E64,'s'}, {0x1E65,'s'}, {0x1E66,'s'}, {0x1E67,'s'}, {0x1E68,'s'}, {0x1E69,'s'},
    {0x1E6A,'t'}, {0x1E6B,'t'}, {0x1E6C,'t'}, {0x1E6D,'t'}, {0x1E6E,'t'}, {0x1E6F,'t'}, {0x1E70,'t'}, {0x1E71,'t'},
    {0x1E72,'u'}, {0x1E73,'u'}, {0x1E74,'u'}, {0x1E75,'u'}, {0x1E76,'u'}, {0x1E77,'u'}, {0x1E78,'u'}, {0x1E79,'u'},
    {0x1E7A,'u'}, {0x1E7B,'u'}, {0x1E7C,'v'}, {0x1E7D,'v'}, {0x1E7E,'v'}, {0x1E7F,'v'}, {0x1E80,'w'}, {0x1E81,'w'},
    {0x1E82,'w'}, {0x1E83,'w'}, {0x1E84,'w'}, {0x1E85,'w'}, {0x1E86,'w'}, {0x1E87,'w'}, {0x1E88,'w'}, {0x1E89,'w'},
    {0x1E8A,'x'}, {0x1E8B,'x'}, {0x1E8C,'x'}, {0x1E8D,'x'}, {0x1E8E,'y'}, {0x1E8F,'y'}, {0x1E90,'z'}, {0x1E91,'z'},
    {0x1E92,'z'}, {0x1E93,'z'}, {0x1E94,'z'}, {0x1E95,'z'}, {0x1E96,'h'}, {0x1E97,'t'}, {0x1E98,'w'}, {0x1E99,'y'},
    {0x1EA0,'a'}, {0x1EA1,'a'}, {0x1EA2,'a'}, {0x1EA3,'a'}, {0x1EA4,'a'}, {0x1EA5,'a'}, {0x1EA6,'a'}, {0x1EA7,'a'},
    {0x1EA8,'a'}, {0x1EA9,'a'}, {0x1EAA,'a'}, {0x1EAB,'a'}, {0x1EAC,'a'}, {0x1EAD,'a'}, {0x1EAE,'a'}, {0x1EAF,'a'},
    {0x1EB0,'a'}, {0x1EB1,'a'}, {0x1EB2,'a'}, {0x1EB3,'a'}, {0x1EB4,'a'}, {0x1EB5,'a'}, {0x1EB6,'a'}, {0x1EB7,'a'},
    {0x1EB8,'e'}, {0x1EB9,'e'}, {0x1EBA,'e'}, {0x1EBB,'e'}, {0x1EBC,'e'}, {0x1EBD,'e'}, {0x1EBE,'e'}, {0x1EBF,'e'},
    {0x1EC0,'e'}, {0x1EC1,'e'}, {0x1EC2,'e'}, {0x1EC3,'e'}, {0x1EC4,'e'}, {0x1EC5,'e'}, {0x1EC6,'e'}, {0x1EC7,'e'},
    {0x1EC8,'i'}, {0x1EC9,'i'}, {0x1ECA,'i'}, {0x1ECB,'i'}, {0x1ECC,'o'}, {0x1ECD,'o'}, {0x1ECE,'o'}, {0x1ECF,'o'},
    {0x1ED0,'o'}, {0x1ED1,'o'}, {0x1ED2,'o'}, {0x1ED3,'o'}, {0x1ED4,'o'}, {0x1ED5,'o'}, {0x1ED6,'o'}, {0x1ED7,'o'},
    {0x1ED8,'o'}, {0x1ED9,'o'}, {0x1EDA,'o'}, {0x1EDB,'o'}, {0x1EDC,'o'}, {0x1EDD,'o'}, {0x1EDE,'o'}, {0x1EDF,'o'},
    {0x1EE0,'o'}, {0x1EE1,'o'}, {0x1EE2,'o'}, {0x1EE3,'o'}, {0x1EE4,'u'}, {0x1EE5,'u'}, {0x1EE6,'u'}, {0x1EE7,'u'},
    {0x1EE8,'u'}, {0x1EE9,'u'}, {0x1EEA,'u'}, {0x1EEB,'u'}, {0x1EEC,'u'}, {0x1EED,'u'}, {0x1EEE,'u'}, {0x1EEF,'u'},
    {0x1EF0,'u'}, {0x1EF1,'u'}, {0x1EF2,'y'}, {0x1EF3,'y'}, {0x1EF4,'y'}, {0x1EF5,'y'}, {0x1EF6,'y'}, {0x1EF7,'y'},
    {0x1EF8,'y'}, {0x1EF9,'y'},};

// NFD sequences (base letter + combining marks, canonical order) to their NFC code point, for the
// same ranges; generated from unicodedata and sorted by their UTF-8 bytes.
struct compose_entry { std::string_view nfd; char32_t cp; };
inline const compose_entry compose_table[] = {
    {"A\xcc\x80", 0x00C0}, {"A\xcc\x81", 0x00C1}, {"A\xcc\x82", 0x00C2}, {"A\xcc\x82\xcc\x80", 0x1EA6}, {"A\xcc\x82\xcc\x81", 0x1EA4},
    {"A\xcc\x82\xcc\x83", 0x1EAA}, {"A\xcc\x82\xcc\x89", 0x1EA8}, {"A\xcc\x83", 0x00C3}, {"A\xcc\x84", 0x0100}, {"A\xcc\x86", 0x0102},
    {"A\xcc\x86\xcc\x80", 0x1EB0}, {"A\xcc\x86\xcc\x81", 0x1EAE}, {"A\xcc\x86\xcc\x83", 0x1EB4}, {"A\xcc\x86\xcc\x89", 0x1EB2}, {"A\xcc\x87", 0x0226},
    {"A\xcc\x87\xcc\x84", 0x01E0}, {"A\xcc\x88", 0x00C4}, {"A\xcc\x88\xcc\x84", 0x01DE}, {"A\xcc\x89", 0x1EA2}, {"A\xcc\x8a", 0x00C5},
    {"A\xcc\x8a\xcc\x81", 0x01FA}, {"A\xcc\x8c", 0x01CD}, {"A\xcc\x8f", 0x0200}, {"A\xcc\x91", 0x0202}, {"A\xcc\xa3", 0x1EA0},
    {"A\xcc\xa3\xcc\x82", 0x1EAC}, {"A\xcc\xa3\xcc\x86", 0x1EB6}, {"A\xcc\xa5", 0x1E00}, {"A\xcc\xa8", 0x0104}, {"B\xcc\x87", 0x1E02},
    {"B\xcc\xa3", 0x1E04}, {"B\xcc\xb1", 0x1E06}, {"C\xcc\x81", 0x0106}, {"C\xcc\x82", 0x0108}, {"C\xcc\x87", 0x010A},
    {"C\xcc\x8c", 0x010C}, {"C\xcc\xa7", 0x00C7}, {"C\xcc\xa7\xcc\x81", 0x1E08}, {"D\xcc\x87", 0x1E0A}, {"D\xcc\x8c", 0x010E},
    {"D\xcc\xa3", 0x1E0C}, {"D\xcc\xa7", 0x1E10}, {"D\xcc\xad", 0x1E12}, {"D\xcc\xb1", 0x1E0E}, {"E\xcc\x80", 0x00C8},
    {"E\xcc\x81", 0x00C9}, {"E\xcc\x82", 0x00CA}, {"E\xcc\x82\xcc\x80", 0x1EC0}, {"E\xcc\x82\xcc\x81", 0x1EBE}, {"E\xcc\x82\xcc\x83", 0x1EC4},
    {"E\xcc\x82\xcc\x89", 0x1EC2}, {"E\xcc\x83", 0x1EBC}, {"E\xcc\x84", 0x0112}, {"E\xcc\x84\xcc\x80", 0x1E14}, {"E\xcc\x84\xcc\x81", 0x1E16},
    {"E\xcc\x86", 0x0114}, {"E\xcc\x87", 0x0116}, {"E\xcc\x88", 0x00CB}, {"E\xcc\x89", 0x1EBA}, {"E\xcc\x8c", 0x011A},
    {"E\xcc\x8f", 0x0204}, {"E\xcc\x91", 0x0206}, {"E\xcc\xa3", 0x1EB8}, {"E\xcc\xa3\xcc\x82", 0x1EC6}, {"E\xcc\xa7", 0x0228},
    {"E\xcc\xa7\xcc\x86", 0x1E1C}, {"E\xcc\xa8", 0x0118}, {"E\xcc\xad", 0x1E18}, {"E\xcc\xb0", 0x1E1A}, {"F\xcc\x87", 0x1E1E},
    {"G\xcc\x81", 0x01F4}, {"G\xcc\x82", 0x011C}, {"G\xcc\x84", 0x1E20}, {"G\xcc\x86", 0x011E}, {"G\xcc\x87", 0x0120},
    {"G\xcc\x8c", 0x01E6}, {"G\xcc\xa7", 0x0122}, {"H\xcc\x82", 0x0124}, {"H\xcc\x87", 0x1E22}, {"H\xcc\x88", 0x1E26},
    {"H\xcc\x8c", 0x021E}, {"H\xcc\xa3", 0x1E24}, {"H\xcc\xa7", 0x1E28}, {"H\xcc\xae", 0x1E2A}, {"I\xcc\x80", 0x00CC},
    {"I\xcc\x81", 0x00CD}, {"I\xcc\x82", 0x00CE}, {"I\xcc\x83", 0x0128}, {"I\xcc\x84", 0x012A}, {"I\xcc\x86", 0x012C},
    {"I\xcc\x87", 0x0130}, {"I\xcc\x88", 0x00CF}, {"I\xcc\x88\xcc\x81", 0x1E2E}, {"I\xcc\x89", 0x1EC8}, {"I\xcc\x8c", 0x01CF},
    {"I\xcc\x8f", 0x0208}, {"I\xcc\x91", 0x020A}, {"I\xcc\xa3", 0x1ECA}, {"I\xcc\xa8", 0x012E}, {"I\xcc\xb0", 0x1E2C},
    {"J\xcc\x82", 0x0134}, {"K\xcc\x81", 0x1E30}, {"K\xcc\x8c", 0x01E8}, {"K\xcc\xa3", 0x1E32}, {"K\xcc\xa7", 0x0136},
    {"K\xcc\xb1", 0x1E34}, {"L\xcc\x81", 0x0139}, {"L\xcc\x8c", 0x013D}, {"L\xcc\xa3", 0x1E36}, {"L\xcc\xa3\xcc\x84", 0x1E38},
    {"L\xcc\xa7", 0x013B}, {"L\xcc\xad", 0x1E3C}, {"L\xcc\xb1", 0x1E3A}, {"M\xcc\x81", 0x1E3E}, {"M\xcc\x87", 0x1E40},
    {"M\xcc\xa3", 0x1E42}, {"N\xcc\x80", 0x01F8}, {"N\xcc\x81", 0x0143}, {"N\xcc\x83", 0x00D1}, {"N\xcc\x87", 0x1E44},
    {"N\xcc\x8c", 0x0147}, {"N\xcc\xa3", 0x1E46}, {"N\xcc\xa7", 0x0145}, {"N\xcc\xad", 0x1E4A}, {"N\xcc\xb1", 0x1E48},
    {"O\xcc\x80", 0x00D2}, {"O\xcc\x81", 0x00D3}, {"O\xcc\x82", 0x00D4}, {"O\xcc\x82\xcc\x80", 0x1ED2}, {"O\xcc\x82\xcc\x81", 0x1ED0},
    {"O\xcc\x82\xcc\x83", 0x1ED6}, {"O\xcc\x82\xcc\x89", 0x1ED4}, {"O\xcc\x83", 0x00D5}, {"O\xcc\x83\xcc\x81", 0x1E4C}, {"O\xcc\x83\xcc\x84", 0x022C},
    {"O\xcc\x83\xcc\x88", 0x1E4E}, {"O\xcc\x84", 0x014C}, {"O\xcc\x84\xcc\x80", 0x1E50}, {"O\xcc\x84\xcc\x81", 0x1E52}, {"O\xcc\x86", 0x014E},
    {"O\xcc\x87", 0x022E}, {"O\xcc\x87\xcc\x84", 0x0230}, {"O\xcc\x88", 0x00D6}, {"O\xcc\x88\xcc\x84", 0x022A}, {"O\xcc\x89", 0x1ECE},
    {"O\xcc\x8b", 0x0150}, {"O\xcc\x8c", 0x01D1}, {"O\xcc\x8f", 0x020C}, {"O\xcc\x91", 0x020E}, {"O\xcc\x9b", 0x01A0},
    {"O\xcc\x9b\xcc\x80", 0x1EDC}, {"O\xcc\x9b\xcc\x81", 0x1EDA}, {"O\xcc\x9b\xcc\x83", 0x1EE0}, {"O\xcc\x9b\xcc\x89", 0x1EDE}, {"O\xcc\x9b\xcc\xa3", 0x1EE2},
    {"O\xcc\xa3", 0x1ECC}, {"O\xcc\xa3\xcc\x82", 0x1ED8}, {"O\xcc\xa8", 0x01EA}, {"O\xcc\xa8\xcc\x84", 0x01EC}, {"P\xcc\x81", 0x1E54},
    {"P\xcc\x87", 0x1E56}, {"R\xcc\x81", 0x0154}, {"R\xcc\x87", 0x1E58}, {"R\xcc\x8c", 0x0158}, {"R\xcc\x8f", 0x0210},
    {"R\xcc\x91", 0x0212}, {"R\xcc\xa3", 0x1E5A}, {"R\xcc\xa3\xcc\x84", 0x1E5C}, {"R\xcc\xa7", 0x0156}, {"R\xcc\xb1", 0x1E5E},
    {"S\xcc\x81", 0x015A}, {"S\xcc\x81\xcc\x87", 0x1E64}, {"S\xcc\x82", 0x015C}, {"S\xcc\x87", 0x1E60}, {"S\xcc\x8c", 0x0160},
    {"S\xcc\x8c\xcc\x87", 0x1E66}, {"S\xcc\xa3", 0x1E62}, {"S\xcc\xa3\xcc\x87", 0x1E68}, {"S\xcc\xa6", 0x0218}, {"S\xcc\xa7", 0x015E},
    {"T\xcc\x87", 0x1E6A}, {"T\xcc\x8c", 0x0164}, {"T\xcc\xa3", 0x1E6C}, {"T\xcc\xa6", 0x021A}, {"T\xcc\xa7", 0x0162},
    {"T\xcc\xad", 0x1E70}, {"T\xcc\xb1", 0x1E6E}, {"U\xcc\x80", 0x00D9}, {"U\xcc\x81", 0x00DA}, {"U\xcc\x82", 0x00DB},
    {"U\xcc\x83", 0x0168}, {"U\xcc\x83\xcc\x81", 0x1E78}, {"U\xcc\x84", 0x016A}, {"U\xcc\x84\xcc\x88", 0x1E7A}, {"U\xcc\x86", 0x016C},
    {"U\xcc\x88", 0x00DC}, {"U\xcc\x88\xcc\x80", 0x01DB}, {"U\xcc\x88\xcc\x81", 0x01D7}, {"U\xcc\x88\xcc\x84", 0x01D5}, {"U\xcc\x88\xcc\x8c", 0x01D9},
    {"U\xcc\x89", 0x1EE6}, {"U\xcc\x8a", 0x016E}, {"U\xcc\x8b", 0x0170}, {"U\xcc\x8c", 0x01D3}, {"U\xcc\x8f", 0x0214},
    {"U\xcc\x91", 0x0216}, {"U\xcc\x9b", 0x01AF}, {"U\xcc\x9b\xcc\x80", 0x1EEA}, {"U\xcc\x9b\xcc\x81", 0x1EE8}, {"U\xcc\x9b\xcc\x83", 0x1EEE},
    {"U\xcc\x9b\xcc\x89", 0x1EEC}, {"U\xcc\x9b\xcc\xa3", 0x1EF0}, {"U\xcc\xa3", 0x1EE4}, {"U\xcc\xa4", 0x1E72}, {"U\xcc\xa8", 0x0172},
    {"U\xcc\xad", 0x1E76}, {"U\xcc\xb0", 0x1E74}, {"V\xcc\x83", 0x1E7C}, {"V\xcc\xa3", 0x1E7E}, {"W\xcc\x80", 0x1E80},
    {"W\xcc\x81", 0x1E82}, {"W\xcc\x82", 0x0174}, {"W\xcc\x87", 0x1E86}, {"W\xcc\x88", 0x1E84}, {"W\xcc\xa3", 0x1E88},
    {"X\xcc\x87", 0x1E8A}, {"X\xcc\x88", 0x1E8C}, {"Y\xcc\x80", 0x1EF2}, {"Y\xcc\x81", 0x00DD}, {"Y\xcc\x82", 0x0176},
    {"Y\xcc\x83", 0x1EF8}, {"Y\xcc\x84", 0x0232}, {"Y\xcc\x87", 0x1E8E}, {"Y\xcc\x88", 0x0178}, {"Y\xcc\x89", 0x1EF6},
    {"Y\xcc\xa3", 0x1EF4}, {"Z\xcc\x81", 0x0179}, {"Z\xcc\x82", 0x1E90}, {"Z\xcc\x87", 0x017B}, {"Z\xcc\x8c", 0x017D},
    {"Z\xcc\xa3", 0x1E92}, {"Z\xcc\xb1", 0x1E94}, {"a\xcc\x80", 0x00E0}, {"a\xcc\x81", 0x00E1}, {"a\xcc\x82", 0x00E2},
    {"a\xcc\x82\xcc\x80", 0x1EA7}, {"a\xcc\x82\xcc\x81", 0x1EA5}, {"a\xcc\x82\xcc\x83", 0x1EAB}, {"a\xcc\x82\xcc\x89", 0x1EA9}, {"a\xcc\x83", 0x00E3},
    {"a\xcc\x84", 0x0101}, {"a\xcc\x86", 0x0103}, {"a\xcc\x86\xcc\x80", 0x1EB1}, {"a\xcc\x86\xcc\x81", 0x1EAF}, {"a\xcc\x86\xcc\x83", 0x1EB5},
    {"a\xcc\x86\xcc\x89", 0x1EB3}, {"a\xcc\x87", 0x0227}, {"a\xcc\x87\xcc\x84", 0x01E1}, {"a\xcc\x88", 0x00E4}, {"a\xcc\x88\xcc\x84", 0x01DF},
    {"a\xcc\x89", 0x1EA3}, {"a\xcc\x8a", 0x00E5}, {"a\xcc\x8a\xcc\x81", 0x01FB}, {"a\xcc\x8c", 0x01CE}, {"a\xcc\x8f", 0x0201},
    {"a\xcc\x91", 0x0203}, {"a\xcc\xa3", 0x1EA1}, {"a\xcc\xa3\xcc\x82", 0x1EAD}, {"a\xcc\xa3\xcc\x86", 0x1EB7}, {"a\xcc\xa5", 0x1E01},
    {"a\xcc\xa8", 0x0105}, {"b\xcc\x87", 0x1E03}, {"b\xcc\xa3", 0x1E05}, {"b\xcc\xb1", 0x1E07}, {"c\xcc\x81", 0x0107},
    {"c\xcc\x82", 0x0109}, {"c\xcc\x87", 0x010B}, {"c\xcc\x8c", 0x010D}, {"c\xcc\xa7", 0x00E7}, {"c\xcc\xa7\xcc\x81", 0x1E09},
    {"d\xcc\x87", 0x1E0B}, {"d\xcc\x8c", 0x010F}, {"d\xcc\xa3", 0x1E0D}, {"d\xcc\xa7", 0x1E11}, {"d\xcc\xad", 0x1E13},
    {"d\xcc\xb1", 0x1E0F}, {"e\xcc\x80", 0x00E8}, {"e\xcc\x81", 0x00E9}, {"e\xcc\x82", 0x00EA}, {"e\xcc\x82\xcc\x80", 0x1EC1},
    {"e\xcc\x82\xcc\x81", 0x1EBF}, {"e\xcc\x82\xcc\x83", 0x1EC5}, {"e\xcc\x82\xcc\x89", 0x1EC3}, {"e\xcc\x83", 0x1EBD}, {"e\xcc\x84", 0x0113},
    {"e\xcc\x84\xcc\x80", 0x1E15}, {"e\xcc\x84\xcc\x81", 0x1E17}, {"e\xcc\x86", 0x0115}, {"e\xcc\x87", 0x0117}, {"e\xcc\x88", 0x00EB},
    {"e\xcc\x89", 0x1EBB}, {"e\xcc\x8c", 0x011B}, {"e\xcc\x8f", 0x0205}, {"e\xcc\x91", 0x0207}, {"e\xcc\xa3", 0x1EB9},
    {"e\xcc\xa3\xcc\x82", 0x1EC7}, {"e\xcc\xa7", 0x0229}, {"e\xcc\xa7\xcc\x86", 0x1E1D}, {"e\xcc\xa8", 0x0119}, {"e\xcc\xad", 0x1E19},
    {"e\xcc\xb0", 0x1E1B}, {"f\xcc\x87", 0x1E1F}, {"g\xcc\x81", 0x01F5}, {"g\xcc\x82", 0x011D}, {"g\xcc\x84", 0x1E21},
    {"g\xcc\x86", 0x011F}, {"g\xcc\x87", 0x0121}, {"g\xcc\x8c", 0x01E7}, {"g\xcc\xa7", 0x0123}, {"h\xcc\x82", 0x0125},
    {"h\xcc\x87", 0x1E23}, {"h\xcc\x88", 0x1E27}, {"h\xcc\x8c", 0x021F}, {"h\xcc\xa3", 0x1E25}, {"h\xcc\xa7", 0x1E29},
    {"h\xcc\xae", 0x1E2B}, {"h\xcc\xb1", 0x1E96}, {"i\xcc\x80", 0x00EC}, {"i\xcc\x81", 0x00ED}, {"i\xcc\x82", 0x00EE},
    {"i\xcc\x83", 0x0129}, {"i\xcc\x84", 0x012B}, {"i\xcc\x86", 0x012D}, {"i\xcc\x88", 0x00EF}, {"i\xcc\x88\xcc\x81", 0x1E2F},
    {"i\xcc\x89", 0x1EC9}, {"i\xcc\x8c", 0x01D0}, {"i\xcc\x8f", 0x0209}, {"i\xcc\x91", 0x020B}, {"i\xcc\xa3", 0x1ECB},
    {"i\xcc\xa8", 0x012F}, {"i\xcc\xb0", 0x1E2D}, {"j\xcc\x82", 0x0135}, {"j\xcc\x8c", 0x01F0}, {"k\xcc\x81", 0x1E31},
    {"k\xcc\x8c", 0x01E9}, {"k\xcc\xa3", 0x1E33}, {"k\xcc\xa7", 0x0137}, {"k\xcc\xb1", 0x1E35}, {"l\xcc\x81", 0x013A},
    {"l\xcc\x8c", 0x013E}, {"l\xcc\xa3", 0x1E37}, {"l\xcc\xa3\xcc\x84", 0x1E39}, {"l\xcc\xa7", 0x013C}, {"l\xcc\xad", 0x1E3D},
    {"l\xcc\xb1", 0x1E3B}, {"m\xcc\x81", 0x1E3F}, {"m\xcc\x87", 0x1E41}, {"m\xcc\xa3", 0x1E43}, {"n\xcc\x80", 0x01F9},
    {"n\xcc\x81", 0x0144}, {"n\xcc\x83", 0x00F1}, {"n\xcc\x87", 0x1E45}, {"n\xcc\x8c", 0x0148}, {"n\xcc\xa3", 0x1E47},
    {"n\xcc\xa7", 0x0146}, {"n\xcc\xad", 0x1E4B}, {"n\xcc\xb1", 0x1E49}, {"o\xcc\x80", 0x00F2}, {"o\xcc\x81", 0x00F3},
    {"o\xcc\x82", 0x00F4}, {"o\xcc\x82\xcc\x80", 0x1ED3}, {"o\xcc\x82\xcc\x81", 0x1ED1}, {"o\xcc\x82\xcc\x83", 0x1ED7}, {"o\xcc\x82\xcc\x89", 0x1ED5},
    {"o\xcc\x83", 0x00F5}, {"o\xcc\x83\xcc\x81", 0x1E4D}, {"o\xcc\x83\xcc\x84", 0x022D}, {"o\xcc\x83\xcc\x88", 0x1E4F}, {"o\xcc\x84", 0x014D},
    {"o\xcc\x84\xcc\x80", 0x1E51}, {"o\xcc\x84\xcc\x81", 0x1E53}, {"o\xcc\x86", 0x014F}, {"o\xcc\x87", 0x022F}, {"o\xcc\x87\xcc\x84", 0x0231},
    {"o\xcc\x88", 0x00F6}, {"o\xcc\x88\xcc\x84", 0x022B}, {"o\xcc\x89", 0x1ECF}, {"o\xcc\x8b", 0x0151}, {"o\xcc\x8c", 0x01D2},
    {"o\xcc\x8f", 0x020D}, {"o\xcc\x91", 0x020F}, {"o\xcc\x9b", 0x01A1}, {"o\xcc\x9b\xcc\x80", 0x1EDD}, {"o\xcc\x9b\xcc\x81", 0x1EDB},
    {"o\xcc\x9b\xcc\x83", 0x1EE1}, {"o\xcc\x9b\xcc\x89", 0x1EDF}, {"o\xcc\x9b\xcc\xa3", 0x1EE3}, {"o\xcc\xa3", 0x1ECD}, {"o\xcc\xa3\xcc\x82", 0x1ED9},
    {"o\xcc\xa8", 0x01EB}, {"o\xcc\xa8\xcc\x84", 0x01ED}, {"p\xcc\x81", 0x1E55}, {"p\xcc\x87", 0x1E57}, {"r\xcc\x81", 0x0155},
    {"r\xcc\x87", 0x1E59}, {"r\xcc\x8c", 0x0159}, {"r\xcc\x8f", 0x0211}, {"r\xcc\x91", 0x0213}, {"r\xcc\xa3", 0x1E5B},
    {"r\xcc\xa3\xcc\x84", 0x1E5D}, {"r\xcc\xa7", 0x0157}, {"r\xcc\xb1", 0x1E5F}, {"s\xcc\x81", 0x015B}, {"s\xcc\x81\xcc\x87", 0x1E65},
    {"s\xcc\x82", 0x015D}, {"s\xcc\x87", 0x1E61}, {"s\xcc\x8c", 0x0161}, {"s\xcc\x8c\xcc\x87", 0x1E67}, {"s\xcc\xa3", 0x1E63},
    {"s\xcc\xa3\xcc\x87", 0x1E69}, {"s\xcc\xa6", 0x0219}, {"s\xcc\xa7", 0x015F}, {"t\xcc\x87", 0x1E6B}, {"t\xcc\x88", 0x1E97},
    {"t\xcc\x8c", 0x0165}, {"t\xcc\xa3", 0x1E6D}, {"t\xcc\xa6", 0x021B}, {"t\xcc\xa7", 0x0163}, {"t\xcc\xad", 0x1E71},
    {"t\xcc\xb1", 0x1E6F}, {"u\xcc\x80", 0x00F9}, {"u\xcc\x81", 0x00FA}, {"u\xcc\x82", 0x00FB}, {"u\xcc\x83", 0x0169},
    {"u\xcc\x83\xcc\x81", 0x1E79}, {"u\xcc\x84", 0x016B}, {"u\xcc\x84\xcc\x88", 0x1E7B}, {"u\xcc\x86", 0x016D}, {"u\xcc\x88", 0x00FC},
    {"u\xcc\x88\xcc\x80", 0x01DC}, {"u\xcc\x88\xcc\x81", 0x01D8}, {"u\xcc\x88\xcc\x84", 0x01D6}, {"u\xcc\x88\xcc\x8c", 0x01DA}, {"u\xcc\x89", 0x1EE7},
    {"u\xcc\x8a", 0x016F}, {"u\xcc\x8b", 0x0171}, {"u\xcc\x8c", 0x01D4}, {"u\xcc\x8f", 0x0215}, {"u\xcc\x91", 0x0217},
    {"u\xcc\x9b", 0x01B0}, {"u\xcc\x9b\xcc\x80", 0x1EEB}, {"u\xcc\x9b\xcc\x81", 0x1EE9}, {"u\xcc\x9b\xcc\x83", 0x1EEF}, {"u\xcc\x9b\xcc\x89", 0x1EED},
    {"u\xcc\x9b\xcc\xa3", 0x1EF1}, {"u\xcc\xa3", 0x1EE5}, {"u\xcc\xa4", 0x1E73}, {"u\xcc\xa8", 0x0173}, {"u\xcc\xad", 0x1E77},
    {"u\xcc\xb0", 0x1E75}, {"v\xcc\x83", 0x1E7D}, {"v\xcc\xa3", 0x1E7F}, {"w\xcc\x80", 0x1E81}, {"w\xcc\x81", 0x1E83},
    {"w\xcc\x82", 0x0175}, {"w\xcc\x87", 0x1E87}, {"w\xcc\x88", 0x1E85}, {"w\xcc\x8a", 0x1E98}, {"w\xcc\xa3", 0x1E89},
    {"x\xcc\x87", 0x1E8B}, {"x\xcc\x88", 0x1E8D}, {"y\xcc\x80", 0x1EF3}, {"y\xcc\x81", 0x00FD}, {"y\xcc\x82", 0x0177},
    {"y\xcc\x83", 0x1EF9}, {"y\xcc\x84", 0x0233}, {"y\xcc\x87", 0x1E8F}, {"y\xcc\x88", 0x00FF}, {"y\xcc\x89", 0x1EF7},
    {"y\xcc\x8a", 0x1E99}, {"y\xcc\xa3", 0x1EF5}, {"z\xcc\x81", 0x017A}, {"z\xcc\x82", 0x1E91}, {"z\xcc\x87", 0x017C},
    {"z\xcc\x8c", 0x017E}, {"z\xcc\xa3", 0x1E93}, {"z\xcc\xb1", 0x1E95},};
}  // namespace detail

/// The lower-case ASCII base of a letter, or 0 when cp is not a letter this table knows.
inline char ascii_base(char32_t cp) {
  if (cp < 0x80) {
    auto c = static_cast<char>(cp);
    if (c >= 'A' && c <= 'Z') return static_cast<char>(c - 'A' + 'a');
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) return c;
    return 0;
  }
  const auto* b = std::begin(detail::fold_table);
  const auto* e = std::end(detail::fold_table);
  const auto* it = std::lower_bound(b, e, cp, [](const detail::fold_entry& x, char32_t v) { return x.cp < v; });
  return (it != e && it->cp == cp) ? it->base : 0;
}

/// Composes Vietnamese (and other Latin) letters written in NFD into NFC; other text unchanged.
inline std::string to_nfc(std::string_view s) {
  std::u32string cps = decode_utf8(s);
  std::string out;
  out.reserve(s.size());
  std::size_t i = 0;
  while (i < cps.size()) {
    std::size_t j = i + 1;
    while (j < cps.size() && is_combining_mark(cps[j])) ++j;
    if (j > i + 1 && cps[i] < 0x80) {
      // Longest prefix of the marks that composes with the base.
      bool done = false;
      for (std::size_t end = j; end > i + 1 && !done; --end) {
        std::string key;
        for (std::size_t k = i; k < end; ++k) append_utf8(key, cps[k]);
        const auto* b = std::begin(detail::compose_table);
        const auto* e = std::end(detail::compose_table);
        const auto* it = std::lower_bound(b, e, key, [](const detail::compose_entry& x, const std::string& v) { return x.nfd < v; });
        if (it != e && it->nfd == key) {
          append_utf8(out, it->cp);
          for (std::size_t k = end; k < j; ++k) append_utf8(out, cps[k]);
          done = true;
        }
      }
      if (!done) for (std::size_t k = i; k < j; ++k) append_utf8(out, cps[k]);
    } else {
      for (std::size_t k = i; k < j; ++k) append_utf8(out, cps[k]);
    }
    i = j;
  }
  return out;
}

/// Folds text for matching: letters to lower-case ASCII without diacritics ("Đ" -> "d"), digits
/// kept, everything else (spaces, punctuation, other scripts) becomes a single space; trimmed.
inline std::string fold(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  bool space = true;
  for (char32_t cp : decode_utf8(s)) {
    if (is_combining_mark(cp)) continue;
    char c = ascii_base(cp);
    if (c != 0) {
      out.push_back(c);
      space = false;
    } else if (!space) {
      out.push_back(' ');
      space = true;
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

/// Levenshtein distance between two ASCII strings (for "did you mean" candidate lists).
inline std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t sub = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

}  // namespace commdx::text
