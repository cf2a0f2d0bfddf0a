// Cancellation of long computations (include/commdx/detail/interrupt.hpp): a stop asked for
// (commdx::request_interrupt, or the hook returning true) makes the planner and the estimator
// throw commdx::interrupted; a hook that says "go on" changes no result; the flag stays until
// cleared. The Python side (Ctrl-C -> KeyboardInterrupt, exit 130) is tested in
// tests/python/test_atomic_outputs.py.
#include <gtest/gtest.h>

#include <atomic>
#include <cstddef>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "commdx/detail/interrupt.hpp"
#include "commdx/detail/plan_solver.hpp"
#include "commdx/estimate.hpp"
#include "commdx/table.hpp"

namespace {

// A visit-batching instance: 300 households in 12 groups, 6 members with two skill sets.
commdx::plan_problem instance() {
  commdx::plan_problem p;
  std::mt19937 gen(7);
  std::uniform_real_distribution<double> gain(0.05, 0.9);
  p.groups = 12;
  p.action_minutes = {20.0, 35.0, 15.0};
  for (int u = 0; u < 300; ++u) {
    p.unit_group.push_back(u % p.groups);
    std::vector<std::pair<int, double>> acts;
    for (int a = 0; a < 3; ++a)
      if ((u + a) % 4 != 0) acts.emplace_back(a, gain(gen));
    p.unit_actions.push_back(acts);
  }
  for (int k = 0; k < 6; ++k) {
    p.capacity.push_back(300.0 + 60.0 * (k % 3));
    p.can_do.push_back(k % 2 == 0 ? std::vector<char>{1, 1, 1} : std::vector<char>{1, 0, 1});
    std::vector<char> allowed(static_cast<std::size_t>(p.groups), 0);
    for (int g = k * 2; g < k * 2 + 4; ++g) allowed[static_cast<std::size_t>(g % p.groups)] = 1;
    p.allowed.push_back(allowed);
  }
  return p;
}

std::atomic<int> hook_calls{0};
bool go_on() {
  ++hook_calls;
  return false;
}
bool stop() {
  ++hook_calls;
  return true;
}

// Installs a hook for one test and removes it (and any request) afterwards.
struct with_hook {
  explicit with_hook(commdx::interrupt_hook h) {
    hook_calls = 0;
    commdx::set_interrupt_hook(h);
  }
  ~with_hook() {
    commdx::set_interrupt_hook(nullptr);
    commdx::clear_interrupt();
  }
  with_hook(const with_hook&) = delete;
  with_hook& operator=(const with_hook&) = delete;
};

// A few greedy restarts only: the test is about the checks, not the optimum (fast under ASan too).
commdx::plan_solution solve(const commdx::plan_problem& p) {
  commdx::plan_solver_options opt;
  opt.restarts = 5;
  return commdx::solve_plan_problem(p, opt);
}

void expect_same(const commdx::plan_solution& a, const commdx::plan_solution& b) {
  EXPECT_EQ(a.member, b.member);
  EXPECT_EQ(a.actions, b.actions);
  EXPECT_EQ(a.objective, b.objective);
  EXPECT_EQ(a.upper_bound, b.upper_bound);
  EXPECT_EQ(a.bound_iterations, b.bound_iterations);
}

commdx::table survey() {
  commdx::table t("survey.csv");
  commdx::numeric_column y, w;
  commdx::text_column ward;
  for (int r = 0; r < 400; ++r) {
    y.push_back(r % 3 == 0 ? 1.0 : 0.0);
    w.push_back(2.0 + r % 5);
    ward.push_back(r < 200 ? "26506" : "26509");
  }
  t.set("bank_account", std::move(y));
  t.set("weight", std::move(w));
  t.set("ward_code", std::move(ward));
  return t;
}

}  // namespace

TEST(Interrupt, AHookThatSaysGoOnChangesNoPlan) {
  const commdx::plan_problem p = instance();
  const commdx::plan_solution plain = solve(p);
  ASSERT_GT(plain.objective, 0.0);
  with_hook h(&go_on);
  const commdx::plan_solution checked = solve(p);
  EXPECT_GE(hook_calls.load(), 1);  // the planner's loops did check
  expect_same(plain, checked);
}

TEST(Interrupt, AHookThatSaysStopStopsThePlannerAndTheFlagStaysUntilCleared) {
  const commdx::plan_problem p = instance();
  const commdx::plan_solution plain = solve(p);
  {
    with_hook h(&stop);
    EXPECT_THROW(solve(p), commdx::interrupted);
    EXPECT_EQ(hook_calls.load(), 1);  // the first check asked, and stopped
    EXPECT_TRUE(commdx::interrupt_requested());
    commdx::set_interrupt_hook(nullptr);
    EXPECT_THROW(solve(p), commdx::interrupted);  // still asked for
    commdx::clear_interrupt();
    expect_same(plain, solve(p));  // cleared: the same plan as ever
  }
  EXPECT_FALSE(commdx::interrupt_requested());
}

TEST(Interrupt, ARequestFromAnotherThreadStopsARunningEstimateOrPlan) {
  // request_interrupt is what a C++ program's SIGINT handler calls (async-signal-safe)
  const commdx::table t = survey();
  commdx::survey_design d;
  d.weight = "weight";
  const commdx::table before = commdx::estimate(t, d, {"bank_account"}, commdx::statistic_kind::mean, {"ward_code"});
  std::thread([] { commdx::request_interrupt(); }).join();
  EXPECT_THROW(commdx::estimate(t, d, {"bank_account"}, commdx::statistic_kind::mean, {"ward_code"}),
               commdx::interrupted);
  EXPECT_THROW(solve(instance()), commdx::interrupted);
  commdx::clear_interrupt();
  const commdx::table after = commdx::estimate(t, d, {"bank_account"}, commdx::statistic_kind::mean, {"ward_code"});
  EXPECT_EQ(before.numeric("estimate"), after.numeric("estimate"));
  EXPECT_EQ(before.numeric("se"), after.numeric("se"));
}

TEST(Interrupt, IsNotACommdxError) {
  // a handler of commdx::error (bad input) must not swallow a stop
  try {
    throw commdx::interrupted();
  } catch (const commdx::error&) {
    FAIL() << "commdx::interrupted caught as commdx::error";
  } catch (const commdx::interrupted& e) {
    EXPECT_STREQ(e.what(), "commdx: interrupted");
  }
}
