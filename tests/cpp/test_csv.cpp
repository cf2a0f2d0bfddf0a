// The general CSV reader (io::parse_csv): the same tokenizer and encoding rules as the survey
// reader. Expected records are written out by hand from the input text.
#include <gtest/gtest.h>

#include <commdx/io/csv.hpp>

#include <string>
#include <vector>

namespace {

using commdx::io::parse_csv;
using rows_t = std::vector<std::vector<std::string>>;

std::string error_of(const std::string& text) {
  try {
    parse_csv(text, "f.csv");
  } catch (const commdx::input_error& e) {
    return e.what();
  }
  return "";
}

TEST(Csv, QuotesDoubledQuotesAndLineBreaksInQuotes) {
  auto r = parse_csv("a,b,c\r\n\"A \"\"B\"\"\",\"C \"\"D\"\"\",\"x\r\ny\"\r\n\"\",\"\"\"\",\"p,q\"\r\n", "f.csv");
  EXPECT_EQ(r.header, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(r.rows, (rows_t{{"A \"B\"", "C \"D\"", "x\r\ny"}, {"", "\"", "p,q"}}));
  EXPECT_EQ(r.lines, (std::vector<std::size_t>{2, 4}));
}

TEST(Csv, EveryLineEndStyleEndsARecordAndALine) {
  auto r = parse_csv("code;name\r1;\"a\rb\"\r\n\r\n2;c\n3;d", "f.csv");
  EXPECT_EQ(r.delimiter, ';');
  EXPECT_EQ(r.rows, (rows_t{{"1", "a\rb"}, {"2", "c"}, {"3", "d"}}));
  EXPECT_EQ(r.lines, (std::vector<std::size_t>{2, 5, 6}));
  EXPECT_EQ(error_of("code,name\r1,a\r2\r"), "f.csv, row 2, line 3: row has 1 fields, the header has 2");
}

TEST(Csv, ByteOrderMarksAndUtf16) {
  auto utf8 = parse_csv("\xEF\xBB\xBF" "code\tname\r\n1\tPh\xC6\xB0\xE1\xBB\x9Dng 1\r\n", "f.csv");
  EXPECT_EQ(utf8.header[0], "code");
  EXPECT_EQ(utf8.rows, (rows_t{{"1", "Phường 1"}}));
  // the same text as Excel's "Unicode text" (UTF-16LE with a BOM) and as UTF-16BE
  std::string le = std::string("\xFF\xFE") + std::string("c\0o\0d\0e\0\t\0n\0a\0m\0e\0\r\0\n\0" "1\0\t\0P\0h\0\xB0\x01\xDD\x1En\0g\0 \0" "1\0\r\0\n\0", 46);
  std::string be = "\xFE\xFF";
  for (std::size_t i = 2; i + 1 < le.size(); i += 2) be += std::string{le[i + 1], le[i]};
  for (const std::string& wide : {le, be}) {
    auto r = parse_csv(wide, "f.txt");
    EXPECT_EQ(r.header, utf8.header);
    EXPECT_EQ(r.rows, utf8.rows);
  }
}

TEST(Csv, OtherEncodingsAreRefusedNamingTheLine) {
  EXPECT_EQ(error_of("code,name\r\n1,a\r2,Ph\xF0\xE0ng\r\n").substr(0, 52), "f.csv, line 3: invalid UTF-8: byte 0xF0 is not UTF-8");
}

TEST(Csv, ColumnsWithoutANameAreRefusedUnlessEmpty) {
  EXPECT_EQ(error_of("a,b\n1,2\n3,4,5\n"),
            "f.csv, row 2, line 3: row has 3 fields, the header has 2: column 3 has no name in the header");
  EXPECT_EQ(error_of("a,,b\n1,,2\n3,x,4\n"), "f.csv, row 2, line 3: column 2 has a value but no name in the header");
  auto r = parse_csv("a,b,\n1,2,\n3,4,\n", "f.csv");  // Excel's trailing delimiter: an empty column
  EXPECT_EQ(r.header, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(r.rows, (rows_t{{"1", "2"}, {"3", "4"}}));
  EXPECT_EQ(error_of("a,a\n1,2\n"), "f.csv, line 1, column 'a': column name appears twice in the header");
  EXPECT_EQ(error_of(",\n,\n"), "f.csv, line 1: the header row has no column names");
  EXPECT_EQ(error_of("a,\"b\n1,2\n"), "f.csv, line 1: unterminated quoted field");
}

}  // namespace
