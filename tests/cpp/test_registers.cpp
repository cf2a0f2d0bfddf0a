// The K10 channels register and the K5 events log (include/commdx/report/registers.hpp): counts
// worked by hand on a two-ward tree, and every refusal naming its file, row and column.
#include <gtest/gtest.h>

#include <string>

#include "commdx/io/csv.hpp"
#include "commdx/report/registers.hpp"

namespace {

using commdx::report::channels_inputs;
using commdx::report::events_inputs;

// City C; ward W1 with neighbourhoods N1, N2 (N1 holds group G1); commune W2 with village V1.
const char* kTree =
    "code,name,kind,parent\n"
    "C,Thành phố,city,\nW1,Phường 1,ward,C\nN1,Khu phố 1,neighbourhood,W1\nN2,Khu phố 2,neighbourhood,W1\n"
    "G1,Tổ 1,residential_group,N1\nW2,Xã Long Sơn,commune,C\nV1,Thôn 1,village,W2\n";

commdx::table csv(const std::string& text, const char* source) {
  return commdx::io::to_table(commdx::io::parse_csv(text, source), {"unit", "ward_code", "opened", "date", "last_post",
                                                                    "board_in_group", "youth_secretary_in_group"});
}

channels_inputs channels(const std::string& rows, const std::string& ward = "") {
  channels_inputs in;
  in.register_ = csv("unit,kind,name,opened,board_in_group,youth_secretary_in_group,last_post\n" + rows, "channels.csv");
  in.places = commdx::places::from_csv_text(kTree, "places.csv");
  in.month = "2022-10";
  in.ward = ward;
  return in;
}

const char* kChannels =
    "W1,zalo_oa,Phường 1 - Chuyển đổi số,2022-07-10,,,2022-10-03\n"
    "W1,fanpage,Phường 1 CĐS,2022-11-02,,,2022-11-05\n"  // opened after October: not yet
    "N1,zalo_group,KP1,2022-08-01,có,có,2022-10-20\n"
    "N2,zalo_group,KP2,2022-08-15,1,0,2022-09-30\n"  // no secretary; silent in October
    "W2,fanpage,Long Sơn,2022-09-01,,,\n";           // never posted

TEST(Registers, ChannelsPerWardAndNeighbourhoodByTheMonthsEnd) {
  const auto r = commdx::report::channels_section(channels(kChannels));
  ASSERT_EQ(r.wards.size(), 2u);
  EXPECT_EQ(r.wards[0].ward, "W1");
  EXPECT_TRUE(r.wards[0].zalo_oa);
  EXPECT_FALSE(r.wards[0].fanpage);
  EXPECT_EQ(r.wards[0].neighbourhoods, 2u);
  EXPECT_EQ(r.wards[0].with_group, 2u);
  EXPECT_EQ(r.wards[0].complete_groups, 1u);
  EXPECT_FALSE(r.wards[1].zalo_oa);
  EXPECT_TRUE(r.wards[1].fanpage);
  EXPECT_EQ(r.wards[1].neighbourhoods, 1u);
  EXPECT_EQ(r.wards[1].with_group, 0u);
  ASSERT_EQ(r.neighbourhoods.size(), 3u);
  EXPECT_TRUE(r.neighbourhoods[0].complete);
  EXPECT_TRUE(r.neighbourhoods[1].group);
  EXPECT_FALSE(r.neighbourhoods[1].complete);
  EXPECT_FALSE(r.neighbourhoods[2].group);
  EXPECT_EQ(r.channels, 4u);
  ASSERT_EQ(r.silent.size(), 2u);
  EXPECT_EQ(r.silent[0].unit, "N2");
  EXPECT_EQ(r.silent[0].last_post, "2022-09-30");
  EXPECT_EQ(r.silent[1].unit, "W2");
  EXPECT_EQ(r.silent[1].last_post, "");
  // a ward's report: that ward only
  const auto w2 = commdx::report::channels_section(channels(kChannels, "W2"));
  ASSERT_EQ(w2.wards.size(), 1u);
  EXPECT_EQ(w2.neighbourhoods.size(), 1u);
  EXPECT_EQ(w2.channels, 1u);
}

commdx::report::channels_result section(const channels_inputs& in) { return commdx::report::channels_section(in); }
commdx::report::events_result section(const events_inputs& in) { return commdx::report::events_section(in); }

template <class Inputs>
void expect_refused(const Inputs& in, const std::string& where, const std::string& id) {
  try {
    (void)section(in);
    FAIL() << "accepted: " << where;
  } catch (const commdx::input_error& e) {
    EXPECT_NE(std::string(e.what()).find(where), std::string::npos) << e.what();
    EXPECT_EQ(e.id(), id) << e.what();
  }
}

TEST(Registers, ChannelRowsThatCannotBeRightAreRefusedNamingTheCell) {
  expect_refused(channels("N9,zalo_group,x,2022-08-01,1,1,\n"), "channels.csv, row 1, column 'unit', unit N9",
                 "commdx.registers.unit");
  expect_refused(channels("W1,tiktok,x,2022-08-01,,,\n"), "row 1, column 'kind': 'tiktok': expected one of",
                 "commdx.registers.kind");
  expect_refused(channels("W1,zalo_group,x,2022-08-01,1,1,\n"), "a zalo_group belongs to a neighbourhood",
                 "commdx.registers.level");
  expect_refused(channels("G1,zalo_group,x,2022-08-01,1,1,\n"), "unit G1", "commdx.registers.level");
  expect_refused(channels("N1,fanpage,x,2022-08-01,,,\n"), "a fanpage belongs to a ward", "commdx.registers.level");
  expect_refused(channels("N1,zalo_group,x,2022-02-30,1,1,\n"), "row 1, column 'opened': '2022-02-30' is not a real date",
                 "commdx.input");
  expect_refused(channels("N1,zalo_group,x,,1,1,\n"), "column 'opened': missing", "commdx.registers.date");
  expect_refused(channels("N1,zalo_group,x,2022-08-01,maybe,1,\n"), "column 'board_in_group': 'maybe'",
                 "commdx.registers.yes_no");
  expect_refused(channels(kChannels, "N1"), "unit N1: not a ward or commune", "commdx.registers.ward");
}

events_inputs events(const std::string& rows, const std::string& ward = "") {
  events_inputs in;
  in.log = csv("date,ward_code,kind,partner_type,partner,topic,participants\n" + rows, "events.csv");
  in.places = commdx::places::from_csv_text(kTree, "places.csv");
  in.month = "2022-10";
  in.ward = ward;
  return in;
}

const char* kEvents =
    "2022-10-21,W1,workshop,bank,Vietcombank,Mở tài khoản trực tuyến,40\n"
    "2022-08-05,W1,conference,ecommerce,Shopee,Bán hàng trực tuyến,\n"
    "2022-10-02,W1,workshop,post,Bưu điện,postmart.vn,25\n"
    "2022-11-03,W2,workshop,bank,Agribank,,30\n";  // November: not yet in October's report

TEST(Registers, EventsInTheMonthAndToDateByPartner) {
  const auto r = commdx::report::events_section(events(kEvents));
  ASSERT_EQ(r.wards.size(), 2u);
  EXPECT_EQ(r.wards[0].month_events, 2u);
  EXPECT_EQ(r.wards[0].to_date_events, 3u);
  EXPECT_EQ(r.wards[0].to_date_by_partner[0], 1u);  // bank
  EXPECT_EQ(r.wards[0].to_date_by_partner[1], 1u);  // ecommerce
  EXPECT_EQ(r.wards[0].to_date_by_partner[2], 1u);  // post
  EXPECT_DOUBLE_EQ(r.wards[0].month_participants, 65.0);
  EXPECT_EQ(r.wards[1].to_date_events, 0u);
  ASSERT_EQ(r.month_events.size(), 2u);
  EXPECT_EQ(r.month_events[0].date, "2022-10-02");  // by date
  EXPECT_EQ(r.month_events[1].partner, "Vietcombank");
  EXPECT_EQ(*r.month_events[1].participants, 40.0);
  EXPECT_EQ(r.no_bank_event, std::vector<std::string>{"W2"});
  EXPECT_EQ(r.no_ecommerce_event, std::vector<std::string>{"W2"});
  const auto j = commdx::report::to_json(r);
  EXPECT_EQ(j["wards"][0]["to_date_by_partner"]["bank"], 1);
  EXPECT_TRUE(j["month_events"][0]["participants"].is_number());
}

TEST(Registers, EventRowsThatCannotBeRightAreRefusedNamingTheCell) {
  expect_refused(events("2022-10-01,N1,workshop,bank,x,,\n"), "events.csv, row 1, column 'ward_code', unit N1",
          "commdx.registers.unit");
  expect_refused(events("2022-10-01,W1,party,bank,x,,\n"), "column 'kind': 'party'", "commdx.registers.kind");
  expect_refused(events("2022-10-01,W1,workshop,shop,x,,\n"), "column 'partner_type': 'shop'", "commdx.registers.partner_type");
  expect_refused(events("2022-10-01,W1,workshop,bank,x,,-3\n"), "column 'participants'", "commdx.registers.participants");
  expect_refused(events("2022-10-01,W1,workshop,bank,x,,nhiều\n"), "column 'participants'", "commdx.registers.participants");
  expect_refused(events(",W1,workshop,bank,x,,\n"), "row 1, column 'date': missing", "commdx.registers.date");
}

}  // namespace
