// S1-S4: the survey reader. Typed columns, Kobo/ODK exports, place names, strict errors naming
// file/row/column, lenient counts. Expected values are read off the fixture rows by hand
// (tests/data/survey/README.md).
#include <gtest/gtest.h>

#include <commdx/io/file.hpp>
#include <commdx/survey.hpp>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

namespace {

using commdx::ingest_options;
using commdx::ingest_result;
using commdx::places;

const std::string kData = std::string(COMMDX_SOURCE_DIR) + "/tests/data/survey/";

std::string fixture(const std::string& name) { return commdx::io::read_file(kData + name); }

const places& city() {
  static const places p = places::from_file(kData + "places.csv");
  return p;
}

ingest_options lenient() {
  ingest_options o;
  o.strict = false;
  return o;
}

// The message of the error a strict read throws (empty when it does not throw).
template <class E>
std::string strict_error(const std::string& csv) {
  try {
    commdx::read_households_csv(csv, "hh.csv", &city());
  } catch (const E& e) {
    return e.what();
  }
  return "";
}

const std::string kHeader = "household_id,ward_code,neighbourhood_code,members,adults,bank_account,weight\n";

TEST(Survey, DefaultSchemaTypesTheExampleCitysColumns) {
  auto r = commdx::read_households_csv(fixture("households.csv"), "households.csv", &city());
  const auto& t = r.good;
  ASSERT_EQ(t.rows(), 4u);
  EXPECT_EQ(r.refused.rows(), 0u);
  EXPECT_EQ(r.rows_read, 4u);
  // codes and ids stay text, numbers are numbers
  EXPECT_FALSE(t.is_numeric("household_id"));
  EXPECT_FALSE(t.is_numeric("ward_code"));
  EXPECT_FALSE(t.is_numeric("psu"));
  EXPECT_EQ(t.text("ward_code")[0], "26506");
  EXPECT_EQ(t.text("group_code")[2], "26509-KP03-T01");
  EXPECT_EQ(t.numeric("members")[3], 6.0);
  EXPECT_EQ(t.numeric("weight")[3], 20.25);
  EXPECT_EQ(t.numeric("bank_account")[1], 0.0);
  // an empty yes/no cell is missing, not "no"
  EXPECT_TRUE(commdx::is_missing(t.numeric("pay_online_water")[1]));
  EXPECT_TRUE(commdx::is_missing(t.numeric("conv_egov")[3]));
  EXPECT_EQ(t.text("electricity_payment_method")[2], "e_wallet");
  // columns come out in schema order
  EXPECT_EQ(t.names()[0], "household_id");
  EXPECT_EQ(t.names()[4], "members");
}

TEST(Survey, BusinessesUseTheirOwnSchema) {
  auto r = commdx::read_businesses_csv(fixture("businesses.csv"), "businesses.csv", &city());
  ASSERT_EQ(r.good.rows(), 3u);
  EXPECT_EQ(r.good.text("type")[1], "enterprise");
  EXPECT_EQ(r.good.numeric("e_invoice")[1], 1.0);
  EXPECT_TRUE(commdx::is_missing(r.good.numeric("e_invoice")[0]));
  EXPECT_EQ(r.good.numeric("listed_postmart_voso")[2], 1.0);
  auto bad = commdx::read_businesses_csv("business_id,ward_code,type\nB1,26506,bakery\n", "b.csv", &city(), lenient());
  ASSERT_EQ(bad.refused.rows(), 1u);
  EXPECT_NE(bad.refused.text("reason")[0].find("'bakery' is not one of shop"), std::string::npos);
}

TEST(Survey, EveryYesNoSpelling) {
  // yes: 1 yes Yes y true TRUE x có Có CÓ (NFC) có (NFD) co đúng 1.0 ; no: 0 no N false không KHÔNG khong (NFD) sai 0.0
  const char* yes[] = {"1", "yes", "Yes", "y", "true", "TRUE", "x", "X", "có", "Có", "CÓ", "co\xcc\x81", "co", "CO", "đúng", "1.0"};
  const char* no[] = {"0", "no", "NO", "n", "false", "False", "không", "Không", "KHÔNG", "kho\xcc\x82ng", "khong", "sai", "0.0"};
  std::string csv = kHeader;
  int i = 0;
  for (const char* v : yes) csv += "Y" + std::to_string(i++) + ",26506,,2,1," + v + ",1\n";
  for (const char* v : no) csv += "N" + std::to_string(i++) + ",26506,,2,1," + v + ",1\n";
  csv += "E,26506,,2,1,,1\n";
  auto r = commdx::read_households_csv(csv, "yn.csv", &city());
  const auto& b = r.good.numeric("bank_account");
  std::size_t ny = sizeof yes / sizeof *yes, nn = sizeof no / sizeof *no;
  ASSERT_EQ(b.size(), ny + nn + 1);
  for (std::size_t k = 0; k < ny; ++k) EXPECT_EQ(b[k], 1.0) << yes[k];
  for (std::size_t k = 0; k < nn; ++k) EXPECT_EQ(b[ny + k], 0.0) << no[k];
  EXPECT_TRUE(commdx::is_missing(b.back()));
  // anything else is an error naming the row and column
  std::string msg = strict_error<commdx::input_error>(kHeader + "A,26506,,2,1,maybe,1\n");
  EXPECT_NE(msg.find("hh.csv, row 1, line 2, column 'bank_account'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("'maybe' is not a yes/no answer"), std::string::npos) << msg;
}

TEST(Survey, KoboExportWithSlashGroupsNamesAndSelectMultiple) {
  ingest_options o;
  o.mapping = commdx::column_mapping::from_file(kData + "kobo_mapping.json");
  auto r = commdx::read_households_csv(fixture("kobo_slash.csv"), "kobo_slash.csv", &city(), o);
  const auto& t = r.good;
  ASSERT_EQ(t.rows(), 3u);
  // place names matched to codes, neighbourhood within its ward, group within its neighbourhood
  EXPECT_EQ(t.text("ward_code"), (commdx::text_column{"26506", "26509", "26545"}));
  EXPECT_EQ(t.text("neighbourhood_code"), (commdx::text_column{"26506-KP03", "26509-KP03", "26545-T02"}));
  EXPECT_EQ(t.text("group_code"), (commdx::text_column{"26506-KP03-T01", "26509-KP03-T01", "26545-T02-T01"}));
  EXPECT_EQ(t.text("household_id")[2], "K-003");
  EXPECT_EQ(t.numeric("adults")[2], 4.0);
  EXPECT_EQ(t.numeric("bank_account")[0], 1.0);
  EXPECT_EQ(t.numeric("e_wallet")[2], 1.0);
  EXPECT_EQ(t.numeric("app_vssid"), (commdx::numeric_column{1, 0, 0}));
  EXPECT_EQ(t.numeric("app_vneid"), (commdx::numeric_column{1, 0, 0}));
  EXPECT_EQ(t.numeric("app_pc_covid"), (commdx::numeric_column{0, 0, 1}));
  EXPECT_EQ(t.numeric("app_health_book"), (commdx::numeric_column{0, 0, 1}));
  EXPECT_EQ(t.numeric("conv_egov")[1], 2.0);
  // Kobo's own columns are kept as text
  EXPECT_EQ(t.text("_uuid")[0], "5f0c2a8e-1b1a-4c57-9a0e-000000000001");
  EXPECT_EQ(t.text("_submission_time")[2], "2022-08-01T03:15:30");
  EXPECT_FALSE(t.is_numeric("_id"));
}

TEST(Survey, KoboSelectMultipleColumnsThatDisagreeAreRefused) {
  std::string csv =
      "household_id,ward_code,members,adults,apps,apps/vssid,apps/vneid\n"
      "A,26506,2,2,vssid,1,0\n"
      "B,26506,2,2,vssid vneid,1,0\n"
      "C,26506,2,2,,1,\n";
  auto r = commdx::read_households_csv(csv, "kobo.csv", &city(), lenient());
  ASSERT_EQ(r.good.rows(), 2u);
  ASSERT_EQ(r.refused.rows(), 1u);
  EXPECT_EQ(r.refused.numeric("row")[0], 2.0);
  EXPECT_EQ(r.refused.text("column")[0], "apps");
  EXPECT_NE(r.refused.text("reason")[0].find("'apps' says yes to 'vneid' but column 'apps/vneid' says no"), std::string::npos);
  EXPECT_EQ(r.good.numeric("app_vssid")[1], 1.0);       // row C: the option column, the combined one empty
  EXPECT_TRUE(commdx::is_missing(r.good.numeric("app_vneid")[1]));
  // an option the question does not have
  auto bad = commdx::read_households_csv("household_id,ward_code,members,adults,apps\nA,26506,2,2,vssid zalo\n", "k.csv", &city(), lenient());
  ASSERT_EQ(bad.refused.rows(), 1u);
  EXPECT_NE(bad.refused.text("reason")[0].find("unknown option 'zalo'"), std::string::npos);
}

TEST(Survey, OdkExportWithDashGroupsAndCoKhong) {
  ingest_options o;
  o.mapping = commdx::column_mapping::from_file(kData + "odk_mapping.json");
  auto r = commdx::read_households_csv(fixture("odk_dash.csv"), "odk_dash.csv", &city(), o);
  const auto& t = r.good;
  ASSERT_EQ(t.rows(), 3u);
  EXPECT_EQ(t.text("household_id")[1], "uuid:aa02");
  EXPECT_EQ(t.numeric("bank_account"), (commdx::numeric_column{1, 0, 1}));
  EXPECT_EQ(t.numeric("e_wallet"), (commdx::numeric_column{0, 1, 0}));
  EXPECT_EQ(t.numeric("home_internet"), (commdx::numeric_column{1, 0, 1}));
  EXPECT_EQ(t.numeric("pay_online_electricity")[0], 1.0);
  EXPECT_EQ(t.numeric("pay_online_water")[0], 1.0);
  EXPECT_EQ(t.numeric("pay_online_internet")[0], 0.0);
  EXPECT_TRUE(commdx::is_missing(t.numeric("pay_online_water")[1]));  // not answered
  EXPECT_EQ(t.numeric("pay_online_cable_tv")[2], 1.0);
  EXPECT_EQ(t.numeric("pay_online_electricity")[2], 0.0);
  EXPECT_FALSE(t.has("meta-instanceID"));  // mapped to "" = dropped
  EXPECT_TRUE(t.has("SubmissionDate"));
}

TEST(Survey, WardOfficeSheetWithMappingValueMapsAndTicks) {
  ingest_options o;
  o.mapping = commdx::column_mapping::from_file(kData + "ward_office_mapping.json");
  auto r = commdx::read_households_csv(fixture("ward_office.csv"), "ward_office.csv", &city(), o);
  const auto& t = r.good;
  ASSERT_EQ(t.rows(), 3u);
  EXPECT_EQ(t.numeric("conv_egov"), (commdx::numeric_column{5, 3, 2}));
  EXPECT_EQ(t.numeric("bank_account"), (commdx::numeric_column{1, 0, 1}));  // blank = no here
  EXPECT_EQ(t.numeric("e_wallet"), (commdx::numeric_column{0, 1, 1}));
  EXPECT_EQ(t.numeric("pay_online_electricity")[0], 1.0);
  EXPECT_TRUE(commdx::is_missing(t.numeric("pay_online_electricity")[1]));  // blank stays missing
  EXPECT_EQ(t.text("household_id")[2], "P2-01");
}

TEST(Survey, StrictErrorsNameFileRowAndColumn) {
  using commdx::input_error;
  using commdx::validation_error;
  // unknown unit code
  auto m = strict_error<validation_error>(kHeader + "A,26506,,2,1,1,1\nB,99999,,2,1,1,1\n");
  EXPECT_NE(m.find("hh.csv, row 2, line 3, column 'ward_code': unknown unit"), std::string::npos) << m;
  EXPECT_NE(m.find("99999"), std::string::npos) << m;
  // a neighbourhood of another ward
  m = strict_error<validation_error>(kHeader + "A,26506,26509-KP03,2,1,1,1\n");
  EXPECT_NE(m.find("row 1, line 2, column 'neighbourhood_code'"), std::string::npos) << m;
  EXPECT_NE(m.find("is not in ward_code 26506"), std::string::npos) << m;
  // an ambiguous name: "Tổ 1" in ward 26506 without its neighbourhood (KP01 and KP03 both have one)
  m = strict_error<validation_error>("household_id,ward_code,group_code,members,adults\nA,26506,Tổ 1,2,1\n");
  EXPECT_NE(m.find("row 1, line 2, column 'group_code': unknown unit: place name 'Tổ 1' is ambiguous"), std::string::npos) << m;
  // a ward name that does not exist
  m = strict_error<validation_error>("household_id,ward_code,members,adults\nA,Phường 9,2,1\n");
  EXPECT_NE(m.find("column 'ward_code': unknown unit: place name 'Phường 9' matches no unit"), std::string::npos) << m;
  // duplicate household id
  m = strict_error<validation_error>(kHeader + "A,26506,,2,1,1,1\nB,26506,,2,1,1,1\nA,26509,,3,1,1,1\n");
  EXPECT_NE(m.find("hh.csv, row 3, line 4, column 'household_id': duplicate household_id 'A' (first at row 1)"), std::string::npos) << m;
  // adults > members
  m = strict_error<validation_error>(kHeader + "A,26506,,2,3,1,1\n");
  EXPECT_NE(m.find("hh.csv, row 1, line 2, column 'adults': adults (3) is more than members (2)"), std::string::npos) << m;
  // negative weight
  m = strict_error<validation_error>(kHeader + "A,26506,,2,1,1,-4.5\n");
  EXPECT_NE(m.find("hh.csv, row 1, line 2, column 'weight': negative weight -4.5 is out of range"), std::string::npos) << m;
  // malformed numbers: decimal comma, text, a fraction in a count, nan
  for (const char* bad : {"\"2,5\"", "hai", "2.5", "nan"}) {
    m = strict_error<input_error>(kHeader + "A,26506,,4,1,1,1\nB,26506,,4," + bad + ",1,1\n");
    EXPECT_NE(m.find("hh.csv, row 2, line 3, column 'adults'"), std::string::npos) << bad << ": " << m;
  }
  // missing required column
  m = strict_error<input_error>("household_id,ward_code,members\nA,26506,2\n");
  EXPECT_NE(m.find("hh.csv, column 'adults': missing required column"), std::string::npos) << m;
  // a row with the wrong number of fields
  m = strict_error<input_error>(kHeader + "A,26506,,2,1,1\n");
  EXPECT_NE(m.find("hh.csv, row 1, line 2: row has 6 fields, the header has 7"), std::string::npos) << m;
  // a required value left empty
  m = strict_error<validation_error>(kHeader + "A,26506,,,1,1,1\n");
  EXPECT_NE(m.find("column 'members': a required value is empty"), std::string::npos) << m;
}

// One-digit cells take the reader's inline fast path: its range and yes/no checks must give the
// same refusals as the general path (members >= 1, weight > 0, head_education 0..5, yes/no 1/0).
TEST(Survey, OneDigitCellsAreCheckedLikeAnyOther) {
  std::string m = strict_error<commdx::validation_error>(kHeader + "A,26506,,0,1,1,1\n");
  EXPECT_NE(m.find("row 1, line 2, column 'members': members 0 is out of range: must be at least 1"), std::string::npos) << m;
  m = strict_error<commdx::validation_error>(kHeader + "A,26506,,2,1,1,0\n");
  EXPECT_NE(m.find("column 'weight': weight 0 is out of range: must be above 0"), std::string::npos) << m;
  m = strict_error<commdx::input_error>(kHeader + "A,26506,,2,1,2,1\n");
  EXPECT_NE(m.find("column 'bank_account': '2' is not a yes/no answer"), std::string::npos) << m;
  m = strict_error<commdx::validation_error>("household_id,ward_code,members,adults,head_education\nA,26506,2,1,7\n");
  EXPECT_NE(m.find("column 'head_education': head_education 7 is out of range: must be between 0 and 5"), std::string::npos) << m;
  auto r = commdx::read_households_csv("household_id,ward_code,members,adults,head_education,bank_account\n"
                                       "A,26506,9,1,5,0\nB,26506,1,1,,\nC,26506,2,2,0,1\n",
                                       "hh.csv", &city());
  EXPECT_EQ(r.good.numeric("members"), (commdx::numeric_column{9, 1, 2}));
  auto edu = r.good.numeric("head_education");
  auto bank = r.good.numeric("bank_account");
  EXPECT_EQ(edu[0], 5.0);
  EXPECT_TRUE(std::isnan(edu[1]));
  EXPECT_EQ(edu[2], 0.0);
  EXPECT_EQ(bank[0], 0.0);
  EXPECT_TRUE(std::isnan(bank[1]));
  EXPECT_EQ(bank[2], 1.0);
}

TEST(Survey, LenientModeCountsAddUp) {
  std::string csv = kHeader +
                    "A,26506,26506-KP03,2,1,1,1\n"   // 1 good
                    "B,99999,,2,1,1,1\n"             // 2 unknown unit
                    "A,26506,,2,1,1,1\n"             // 3 duplicate
                    "C,26509,,2,3,1,1\n"             // 4 adults > members
                    "D,26509,,2,1,1,-1\n"            // 5 negative weight
                    "E,26545,,2,x,1,1\n"             // 6 malformed number
                    "\n"                             // blank line: not a row
                    "F,Phường 2,Khu phố 3,5,4,có,2\n"  // 7 good, names matched
                    "G,26506,,2,1\n"                 // 8 short row
                    "\"H \"\"quoted\"\"\",26545,,1,1,0,3\n";  // 9 good, quoted id
  auto r = commdx::read_households_csv(csv, "mixed.csv", &city(), lenient());
  EXPECT_EQ(r.rows_read, 9u);
  EXPECT_EQ(r.good.rows() + r.refused.rows(), r.rows_read);
  EXPECT_EQ(r.good.text("household_id"), (commdx::text_column{"A", "F", "H \"quoted\""}));
  EXPECT_EQ(r.good.text("neighbourhood_code")[1], "26509-KP03");
  EXPECT_EQ(r.refused.numeric("row"), (commdx::numeric_column{2, 3, 4, 5, 6, 8}));
  EXPECT_EQ(r.refused.numeric("line"), (commdx::numeric_column{3, 4, 5, 6, 7, 10}));
  EXPECT_EQ(r.refused.text("column"), (commdx::text_column{"ward_code", "household_id", "adults", "weight", "adults", ""}));
  EXPECT_EQ(r.refused.text("value")[3], "-1");
  EXPECT_NE(r.refused.text("reason")[1].find("duplicate"), std::string::npos);
}

TEST(Survey, NfdNamesAndHeadersAreComposed) {
  // "Phường 2" and "Khu phố 3" typed in NFD (a Mac keyboard), in a header too
  std::string nfd_ward = "Phu\xcc\x9bo\xcc\x9b\xcc\x80ng 2";
  std::string nfd_kp = "Khu pho\xcc\x82\xcc\x81 3";
  std::string csv = "household_id,ward_code,neighbourhood_code,members,adults,ghi_chu_cu\xcc\x89\n"
                    "A," + nfd_ward + "," + nfd_kp + ",3,2,nha\xcc\x80\n";
  auto r = commdx::read_households_csv(csv, "nfd.csv", &city());
  EXPECT_EQ(r.good.text("ward_code")[0], "26509");
  EXPECT_EQ(r.good.text("neighbourhood_code")[0], "26509-KP03");
  EXPECT_TRUE(r.good.has("ghi_chu_c\xe1\xbb\xa7"));  // header composed to NFC
  EXPECT_EQ(r.good.text("ghi_chu_c\xe1\xbb\xa7")[0], "nh\xc3\xa0");
}

TEST(Survey, TableInputGoesThroughTheSameChecks) {
  commdx::table t("DataFrame");
  t.set("household_id", commdx::text_column{"A", "B", "C"});
  t.set("ward_code", commdx::numeric_column{26506, 26509, 26545});  // codes typed as numbers
  t.set("members", commdx::numeric_column{3, 2, 4});
  t.set("adults", commdx::numeric_column{2, 5, 1});
  t.set("bank_account", commdx::text_column{"Có", "không", ""});
  auto r = commdx::read_households(t, &city(), lenient());
  ASSERT_EQ(r.good.rows(), 2u);
  EXPECT_EQ(r.good.text("ward_code"), (commdx::text_column{"26506", "26545"}));
  EXPECT_EQ(r.good.numeric("bank_account")[0], 1.0);
  EXPECT_TRUE(commdx::is_missing(r.good.numeric("bank_account")[1]));
  ASSERT_EQ(r.refused.rows(), 1u);
  EXPECT_EQ(r.refused.numeric("row")[0], 2.0);
  EXPECT_TRUE(commdx::is_missing(r.refused.numeric("line")[0]));
  try {
    commdx::read_households(t, &city());
    FAIL() << "strict read of a bad table must throw";
  } catch (const commdx::validation_error& e) {
    EXPECT_EQ(std::string(e.what()), "DataFrame, row 2, column 'adults': adults (5) is more than members (2)");
  }
}

TEST(Survey, WithoutPlacesCodesAreKeptUnchecked) {
  auto r = commdx::read_households_csv(kHeader + "A,99999,,2,1,1,1\n", "hh.csv", nullptr);
  EXPECT_EQ(r.good.text("ward_code")[0], "99999");
}

TEST(Survey, MappingErrorsAreConfigErrors) {
  ingest_options o;
  o.mapping = commdx::column_mapping::from_json(nlohmann::json{{"Mã hộ", "hh_id"}}, "m.json");
  EXPECT_THROW(commdx::read_households_csv("Mã hộ,ward_code,members,adults\nA,26506,1,1\n", "x.csv", &city(), o),
               commdx::config_error);
  // two columns giving the same schema column
  EXPECT_THROW(commdx::read_households_csv("a/household_id,b/household_id,ward_code,members,adults\nA,B,26506,1,1\n",
                                           "x.csv", &city()),
               commdx::input_error);
}

TEST(Survey, QuotedFieldsCrlfBomAndSemicolons) {
  std::string csv = "\xEF\xBB\xBFhousehold_id;ward_code;members;adults;weight\r\n"
                    "\"A;1\";26506;3;2;\"1.5\"\r\n"
                    "\"B\nline\";26509;1;1;2\r\n"
                    "C;26545;2;2;3";  // no final newline
  auto r = commdx::read_households_csv(csv, "semi.csv", &city());
  ASSERT_EQ(r.good.rows(), 3u);
  EXPECT_EQ(r.good.text("household_id")[0], "A;1");
  EXPECT_EQ(r.good.text("household_id")[1], "B\nline");
  EXPECT_EQ(r.good.numeric("weight"), (commdx::numeric_column{1.5, 2, 3}));
}

}  // namespace

namespace {

// The two-thread path (large files) must give exactly what one pass gives: the
// same rows, refused rows with the same numbers, duplicates across the halves, the first error.
commdx::detail::ingest_output read_with(const std::string& csv, unsigned threads, bool strict) {
  ingest_options o;
  o.strict = strict;
  return commdx::detail::ingest_csv(csv, "big.csv", commdx::record_schema::households(), &city(), o, threads, 0);
}

// Everything the reader returned is the same (numbers bit for bit, NaN where NaN).
void expect_same(const commdx::detail::ingest_output& one, const commdx::detail::ingest_output& two) {
  EXPECT_EQ(two.rows_read, one.rows_read);
  EXPECT_EQ(two.rows_good, one.rows_good);
  EXPECT_EQ(two.refused_row, one.refused_row);
  EXPECT_EQ(two.refused_line, one.refused_line);
  ASSERT_EQ(two.refused_reason.size(), one.refused_reason.size());
  for (std::size_t i = 0; i < one.refused_reason.size(); ++i) {
    EXPECT_EQ(two.refused_reason.get(i), one.refused_reason.get(i));
    EXPECT_EQ(two.refused_value.get(i), one.refused_value.get(i));
  }
  ASSERT_EQ(two.columns.size(), one.columns.size());
  for (std::size_t k = 0; k < one.columns.size(); ++k) {
    ASSERT_EQ(two.columns[k].numeric, one.columns[k].numeric);
    if (one.columns[k].numeric) {
      ASSERT_EQ(two.columns[k].num.size(), one.columns[k].num.size());
      for (std::size_t i = 0; i < one.columns[k].num.size(); ++i) {
        double x = one.columns[k].num[i], y = two.columns[k].num[i];
        EXPECT_TRUE(x == y || (std::isnan(x) && std::isnan(y))) << one.columns[k].name << " row " << i;
      }
    } else {
      EXPECT_EQ(two.columns[k].txt.bytes, one.columns[k].txt.bytes);
      EXPECT_EQ(two.columns[k].txt.offsets, one.columns[k].txt.offsets);
    }
  }
}

TEST(Survey, TwoThreadsGiveTheSameResultAsOne) {
  std::string csv = kHeader;
  for (int i = 0; i < 40; ++i) {
    std::string id = "H" + std::to_string(i);
    if (i == 31) id = "H3";                      // duplicate of a row in the first half
    if (i == 35) id = "H33";                     // duplicate within the second half
    std::string adults = i == 7 ? "9" : "1";     // adults > members in the first half
    std::string ward = i == 27 ? "99999" : "26506";
    csv += id + "," + ward + ",," + "2," + adults + ",1,1\n";
    if (i == 12) csv += "\n";                    // a blank line
  }
  auto one = read_with(csv, 1, false);
  auto two = read_with(csv, 2, false);
  EXPECT_EQ(one.rows_read, 40u);
  EXPECT_EQ(one.rows_good + one.refused_row.size(), 40u);
  EXPECT_EQ(one.refused_row, (commdx::numeric_column{8, 28, 32, 36}));
  expect_same(one, two);
  // strict: the first problem of the file, with its true row and line, from either half
  for (unsigned threads : {1u, 2u}) {
    try {
      read_with(csv, threads, true);
      FAIL() << "must throw";
    } catch (const commdx::validation_error& e) {
      EXPECT_EQ(std::string(e.what()), "big.csv, row 8, line 9, column 'adults': adults (9) is more than members (2)");
    }
  }
  std::string second_half_only = kHeader;
  for (int i = 0; i < 40; ++i) second_half_only += "H" + std::to_string(i % 37) + ",26506,,2,1,1,1\n";
  for (unsigned threads : {1u, 2u}) {
    try {
      read_with(second_half_only, threads, true);
      FAIL() << "must throw";
    } catch (const commdx::validation_error& e) {
      EXPECT_EQ(std::string(e.what()), "big.csv, row 38, line 39, column 'household_id': duplicate household_id 'H0' (first at row 1)");
    }
  }
}

}  // namespace

namespace {

TEST(Survey, ReadsAFileByPath) {
  auto r = commdx::io::read_survey_file(kData + "businesses.csv", "businesses", &city());
  EXPECT_EQ(r.good.rows(), 3u);
  EXPECT_EQ(r.good.text("business_id")[2], "B26545-00001");
  EXPECT_THROW(commdx::io::read_survey_file(kData + "no-such-file.csv"), commdx::input_error);
}

}  // namespace

namespace {

// Issue 11 regressions: the tokenizer's views, line ends, the two-thread split, encodings, columns
// without a name.

std::string text_of(const commdx::detail::ingest_output& o, const std::string& column, std::size_t row) {
  for (const auto& c : o.columns)
    if (c.name == column) return std::string(c.txt.get(row));
  ADD_FAILURE() << "no column " << column;
  return "";
}

// A use-after-free: views into one scratch string per field dangled when a later field's scratch
// string was added (values came back as "\x00 \"B\"").
TEST(SurveyCsv, TwoQuotedFieldsWithDoubledQuotesKeepTheirValues) {
  std::string csv = "household_id,ward_code,members,adults,ghi_chu,ghi_chu_2\r\n"
                    "\"A \"\"B\"\"\",26506,2,1,\"C \"\"D\"\"\",\"E \"\"F\"\"\"\r\n"
                    "\"x\"\"\",26506,2,1,\"\"\"\",\"a,\"\"b\"\"\nc\"\r\n";
  for (unsigned threads : {1u, 2u}) {
    auto o = commdx::detail::ingest_csv(csv, "q.csv", commdx::record_schema::households(), nullptr, ingest_options{},
                                        threads, 0);
    ASSERT_EQ(o.rows_good, 2u);
    EXPECT_EQ(text_of(o, "household_id", 0), "A \"B\"");
    EXPECT_EQ(text_of(o, "ghi_chu", 0), "C \"D\"");
    EXPECT_EQ(text_of(o, "ghi_chu_2", 0), "E \"F\"");
    EXPECT_EQ(text_of(o, "household_id", 1), "x\"");
    EXPECT_EQ(text_of(o, "ghi_chu", 1), "\"");
    EXPECT_EQ(text_of(o, "ghi_chu_2", 1), "a,\"b\"\nc");
  }
}

// A lone CR ends a record and a line (old Excel, some Kobo exports), a CRLF is one line end, and
// line breaks inside quotes count as lines too.
TEST(SurveyCsv, RowAndLineNumbersAfterEveryLineEnd) {
  std::string head = "household_id,ward_code,members,adults,ghi_chu";
  for (const char* end : {"\n", "\r", "\r\n"}) {
    std::string e = end;
    std::string csv = head + e + "A,26506,2,1,x" + e + "\"B\",26506,2,1,\"a\rb\r\nc\nd\"" + e + e +
                      "C,26506,2,3,y" + e;  // row 3 starts on line 8 (lines 3-6 hold row 2, line 7 is blank)
    try {
      commdx::read_households_csv(csv, "le.csv");
      FAIL() << "must throw";
    } catch (const commdx::validation_error& err) {
      EXPECT_EQ(err.where().row, 3u);
      EXPECT_EQ(err.where().line, 8u) << "line end " << (e == "\r" ? "CR" : e == "\n" ? "LF" : "CRLF");
    }
  }
}

// A file with `rows` rows, line ends cycling through LF, CR and CRLF, free text with quotes, commas
// and line breaks, some bad rows; `lines` gets the line each row starts on, counted here.
std::string mixed_file(int rows, std::vector<std::size_t>& lines, bool bad_rows) {
  const char* ends[] = {"\n", "\r", "\r\n"};
  std::string csv = "household_id,ward_code,members,adults,ghi_chu\r";
  std::size_t line = 2;
  for (int i = 0; i < rows; ++i) {
    lines.push_back(line);
    std::string note;
    if (i % 4 == 1) { note = "\"có \"\"ghi chú\"\", dài\rdòng 2\"";  line += 1; }
    else if (i % 4 == 2) { note = "\"a\r\nb\nc\""; line += 2; }
    else note = "n" + std::to_string(i);
    std::string adults = bad_rows && i % 97 == 50 ? "9" : "1";
    csv += "H" + std::to_string(i) + ",26506,2," + adults + "," + note + ends[i % 3];
    line += 1;
  }
  return csv;
}

// The two-thread path counted records by LF only: CR-only and mixed files overflowed the second
// thread's buffer or gave rows another row's numbers; its first error came later than one pass's.
TEST(SurveyCsv, TwoThreadsAgreeOnCrOnlyAndMixedLineEnds) {
  for (bool bad : {false, true}) {
    std::vector<std::size_t> lines;
    std::string csv = mixed_file(2000, lines, bad);
    ingest_options o = lenient();
    auto one = commdx::detail::ingest_csv(csv, "m.csv", commdx::record_schema::households(), nullptr, o, 1);
    for (std::size_t split : {std::size_t{0}, std::size_t{1}, csv.size() / 3, csv.size() - 10}) {
      auto two = commdx::detail::ingest_csv(csv, "m.csv", commdx::record_schema::households(), nullptr, o, 2, split);
      expect_same(one, two);
    }
    EXPECT_EQ(one.rows_read, 2000u);
    if (!bad) {
      ASSERT_EQ(one.rows_good, 2000u);
      for (std::size_t r : {std::size_t{0}, std::size_t{1}, std::size_t{1234}, std::size_t{1999}})
        EXPECT_EQ(text_of(one, "household_id", r), "H" + std::to_string(r));
      EXPECT_EQ(text_of(one, "ghi_chu", 1), "có \"ghi chú\", dài\rdòng 2");
      continue;
    }
    ASSERT_EQ(one.refused_row.size(), 21u);  // rows i with i % 97 == 50
    for (std::size_t k = 0; k < one.refused_row.size(); ++k) {
      std::size_t i = 50 + 97 * k;
      EXPECT_EQ(one.refused_row[k], static_cast<double>(i + 1));
      EXPECT_EQ(one.refused_line[k], static_cast<double>(lines[i]));
    }
    for (unsigned threads : {1u, 2u}) {
      try {
        commdx::detail::ingest_csv(csv, "m.csv", commdx::record_schema::households(), nullptr, ingest_options{}, threads,
                                   csv.size() / 2);
        FAIL() << "must throw";
      } catch (const commdx::validation_error& e) {
        EXPECT_EQ(e.where().row, 51u);
        EXPECT_EQ(e.where().line, lines[50]);
      }
    }
  }
}

// The room reserved for the rows is estimated from the first 64 KB: long rows there and short
// rows after it make the second half outgrow the room, and its numbers move to its own columns.
TEST(SurveyCsv, SecondHalfLargerThanTheReservedRoom) {
  std::string csv = "household_id,ward_code,members,adults,ghi_chu\r\n";
  for (int i = 0; i < 700; ++i) csv += "L" + std::to_string(i) + ",26506,3,2,\"" + std::string(240, 'x') + "\"\r\n";
  for (int i = 0; i < 9000; ++i) csv += "S" + std::to_string(i) + ",26506," + std::to_string(1 + i % 9) + ",1,\r";
  auto one = commdx::detail::ingest_csv(csv, "r.csv", commdx::record_schema::households(), nullptr, lenient(), 1);
  auto two = commdx::detail::ingest_csv(csv, "r.csv", commdx::record_schema::households(), nullptr, lenient(), 2, 0);
  ASSERT_EQ(one.rows_good, 9700u);
  expect_same(one, two);
  EXPECT_EQ(text_of(two, "household_id", 9699), "S8999");
}

// Duplicate ids across the halves: a second-half row refused as a duplicate of a second-half row
// that duplicates a first-half row names the first half's row, as one pass does.
TEST(SurveyCsv, DuplicatesAcrossHalvesNameTheFirstOccurrence) {
  std::string csv = "household_id,ward_code,members,adults\n";
  for (int i = 0; i < 200; ++i) csv += "H" + std::to_string(i < 150 ? i : i % 3) + ",26506,2,1\n";
  auto one = commdx::detail::ingest_csv(csv, "d.csv", commdx::record_schema::households(), nullptr, lenient(), 1);
  auto two = commdx::detail::ingest_csv(csv, "d.csv", commdx::record_schema::households(), nullptr, lenient(), 2, 0);
  expect_same(one, two);
  ASSERT_EQ(one.refused_row.size(), 50u);
  EXPECT_EQ(one.refused_reason.get(49), "duplicate household_id 'H1' (first at row 2)");
}

std::string utf16(const std::string& utf8, bool little) {
  std::string out = little ? "\xFF\xFE" : "\xFE\xFF";
  for (char32_t cp : commdx::text::decode_utf8(utf8)) {
    std::vector<std::uint32_t> units;
    if (cp >= 0x10000) units = {0xD800 + ((cp - 0x10000) >> 10), 0xDC00 + ((cp - 0x10000) & 0x3FF)};
    else units = {static_cast<std::uint32_t>(cp)};
    for (std::uint32_t u : units) {
      char hi = static_cast<char>(u >> 8), lo = static_cast<char>(u & 0xFF);
      out += little ? std::string{lo, hi} : std::string{hi, lo};
    }
  }
  return out;
}

TEST(SurveyCsv, Utf16WithByteOrderMarkIsDecoded) {
  // Excel's "Unicode text": UTF-16 little-endian, tab-separated, CRLF
  std::string text = "household_id\tward_code\tmembers\tadults\tghi_chu\r\nH1\t26506\t2\t1\tNhà cấp 4, 𝔸\r\n";
  for (bool little : {true, false}) {
    auto r = commdx::read_households_csv(utf16(text, little), "u16.txt");
    ASSERT_EQ(r.good.rows(), 1u);
    EXPECT_EQ(r.good.text("ghi_chu")[0], "Nhà cấp 4, 𝔸");
    EXPECT_EQ(r.good.numeric("members")[0], 2.0);
  }
  std::string broken = utf16(text, true);
  broken.resize(broken.size() - 1);  // half a character at the end
  try {
    commdx::read_households_csv(broken, "u16.txt");
    FAIL() << "must throw";
  } catch (const commdx::input_error& e) {
    EXPECT_NE(std::string(e.what()).find("u16.txt, line 3: UTF-16 text"), std::string::npos) << e.what();
  }
}

TEST(SurveyCsv, OtherEncodingsAreRefusedNamingTheLine) {
  // Windows-1258: "Nhà" with à as one byte 0xE0, on line 5 (a lone CR ends line 2, a quoted CRLF line 3)
  std::string csv = "household_id,ward_code,members,adults,ghi_chu\nA,26506,2,1,x\rB,26506,2,1,\"y\r\nz\"\nC,26506,2,1,Nh\xE0\n";
  for (unsigned threads : {1u, 2u}) {
    try {
      commdx::detail::ingest_csv(csv, "1258.csv", commdx::record_schema::households(), nullptr, lenient(), threads, 0);
      FAIL() << "must throw";
    } catch (const commdx::input_error& e) {
      EXPECT_EQ(e.where().line, 5u);
      EXPECT_NE(std::string(e.what()).find("1258.csv, line 5: invalid UTF-8: byte 0xE0 is not UTF-8"), std::string::npos) << e.what();
    }
  }
}

// Found by fuzz_survey_csv: a NUL byte cut error messages short (what() is a C string). No text
// file has one (UTF-16 without a byte-order mark has many): refused naming its line.
TEST(SurveyCsv, NulBytesAreRefusedNamingTheLine) {
  std::string csv = std::string("household_id,ward_code,members,adults\nA,26506,2,1\nB,26506,2,\0", 61) + "1\n";
  try {
    commdx::read_households_csv(csv, "nul.csv", nullptr, lenient());
    FAIL() << "must throw";
  } catch (const commdx::input_error& e) {
    EXPECT_NE(std::string(e.what()).find("nul.csv, line 3: byte 0x00 (NUL)"), std::string::npos) << e.what();
  }
}

TEST(SurveyCsv, ColumnsWithoutANameAreRefusedNotDropped) {
  std::string head = "household_id,ward_code,members,adults";
  // more fields than names
  auto m = strict_error<commdx::input_error>(head + "\nA,26506,2,1\nB,26506,2,1,7\n");
  EXPECT_NE(m.find("hh.csv, row 2, line 3: row has 5 fields, the header has 4: column 5 has no name in the header"),
            std::string::npos) << m;
  // an empty name over a column with a value
  m = strict_error<commdx::input_error>(head + ",\nA,26506,2,1,\nB,26506,2,1,7\n");
  EXPECT_NE(m.find("hh.csv, row 2, line 3: column 5 has a value but no name in the header"), std::string::npos) << m;
  m = strict_error<commdx::input_error>("household_id,,ward_code,members,adults\nA,x,26506,2,1\n");
  EXPECT_NE(m.find("row 1, line 2: column 2 has a value but no name in the header"), std::string::npos) << m;
  // a required column's name deleted by hand: the unnamed column is named, not only the missing one
  m = strict_error<commdx::input_error>("household_id,,members,adults\nA,26506,2,1\n");
  EXPECT_NE(m.find("hh.csv, line 1, column 'ward_code': column 2 has no name in the header (after 'household_id') "
                   "(before 'members')"), std::string::npos) << m;
  // an empty name over an empty column (a trailing delimiter on every line): nothing is lost
  auto r = commdx::read_households_csv(head + ",\nA,26506,2,1,\nB,26506,2,1, \n", "hh.csv");
  EXPECT_EQ(r.good.rows(), 2u);
  EXPECT_EQ(r.good.names().size(), 4u);
}

}  // namespace
