#include "prelude.hpp"

#include "commdx/plan.hpp"

// T6, C1, K1–K10, R1–R4: the outreach plan. python/commdx/plan.py wraps these in plan_outreach and
// the Plan class (DataFrames, to_json, write).
namespace {

commdx::table optional_table(const py::object& cols, const std::string& source) {
  if (cols.is_none()) return commdx::table(source);
  return commdx::bind::table_from_py(cols.cast<py::dict>(), source);
}

py::dict plan_to_py(const commdx::outreach_plan& p) {
  using commdx::bind::table_to_py;
  py::dict out;
  out["priorities"] = table_to_py(p.priorities);
  out["visits"] = table_to_py(p.visits);
  out["assignments"] = table_to_py(p.assignments);
  out["schedule"] = table_to_py(p.schedule);
  out["progress"] = table_to_py(p.progress);
  out["indicators"] = table_to_py(p.indicators);
  out["gaps"] = table_to_py(p.gaps);
  out["steps"] = table_to_py(p.steps);
  out["posteriors"] = table_to_py(p.posteriors);
  out["wards"] = table_to_py(p.wards);
  py::list msgs;
  for (const auto& m : p.messages) {
    py::dict d;
    d["code"] = m.code;
    d["unit"] = m.unit;
    d["vi"] = m.vi;
    d["en"] = m.en;
    msgs.append(d);
  }
  out["messages"] = msgs;
  py::dict summary;
  summary["start"] = p.start;
  summary["deadline"] = p.deadline;
  summary["scope"] = p.scope;
  summary["objective"] = p.objective;
  summary["scheduled_objective"] = p.scheduled_objective;
  summary["upper_bound"] = p.upper_bound;
  summary["gap"] = p.gap;
  summary["expected_adoptions"] = p.expected_adopters;
  summary["hours_available"] = p.minutes_available / 60.0;
  summary["hours_planned"] = p.minutes_planned / 60.0;
  out["summary"] = summary;
  return out;
}

}  // namespace

void bind_plan(py::module_& m) {
  m.def(
      "_plan_outreach",
      [](const py::dict& households, const py::object& businesses, const commdx::roster& roster,
         const std::map<std::string, std::string>& classes, const std::map<std::string, std::string>& names,
         const std::map<std::string, std::string>& parents, const py::object& estimates, const py::object& visits,
         const std::string& start, const std::string& deadline, const std::string& scope, const py::object& catalogue,
         const py::bytes& key, bool with_names, std::uint64_t improve_work, std::uint64_t bound_work,
         const py::object& indicators) {
        commdx::plan_inputs in;
        in.households = commdx::bind::table_from_py(households, "households");
        in.businesses = optional_table(businesses, "businesses");
        in.roster = roster;
        in.area_classes = classes;
        in.unit_names = names;
        in.unit_parents = parents;
        in.estimates = optional_table(estimates, "estimates");
        in.visit_log = optional_table(visits, "visits");
        in.start = start;
        in.deadline = deadline;
        in.scope = scope;
        commdx::plan_options opt;
        // indicators: the indicator catalogue the plan's ids resolve in (the shipped one with a run's
        // targets, commdx.targets); None: the shipped indicators.json
        if (!indicators.is_none()) {
          const auto ind = commdx::indicator_catalogue::from_json(commdx::bind::json_from_py(indicators, "indicators"), "indicators");
          opt.catalogue = catalogue.is_none()
                              ? commdx::campaign_catalogue::from_json(commdx::campaign_catalogue::shipped().raw, "campaigns.json", ind)
                              : commdx::campaign_catalogue::from_json(commdx::bind::json_from_py(catalogue, "catalogue"), "catalogue", ind);
        } else if (!catalogue.is_none()) {
          opt.catalogue = commdx::campaign_catalogue::from_json(commdx::bind::json_from_py(catalogue, "catalogue"), "catalogue");
        }
        opt.key = std::string(key);  // raw key bytes, never a text password
        opt.with_names = with_names;
        if (improve_work > 0) opt.solver.improve_work = improve_work;  // 0: the solver's default
        if (bound_work > 0) opt.solver.bound_work = bound_work;
        commdx::outreach_plan p;
        {
          py::gil_scoped_release release;
          p = commdx::plan_outreach(in, opt);
        }
        return plan_to_py(p);
      },
      py::arg("households"), py::arg("businesses"), py::arg("roster"), py::arg("classes"), py::arg("names"),
      py::arg("parents"), py::arg("estimates"), py::arg("visits"), py::arg("start"), py::arg("deadline"), py::arg("scope"),
      py::arg("catalogue"), py::arg("key"), py::arg("with_names"), py::arg("improve_work") = 0,
      py::arg("bound_work") = 0, py::arg("indicators") = py::none());

  m.def(
      "_solve_plan_problem",
      [](const py::dict& d) {
        commdx::plan_problem p;
        p.unit_group = d["unit_group"].cast<std::vector<int>>();
        p.groups = d["groups"].cast<int>();
        p.action_minutes = d["action_minutes"].cast<std::vector<double>>();
        p.unit_actions = d["unit_actions"].cast<std::vector<std::vector<std::pair<int, double>>>>();
        p.capacity = d["capacity"].cast<std::vector<double>>();
        for (const auto& row : d["can_do"].cast<std::vector<std::vector<int>>>())
          p.can_do.emplace_back(row.begin(), row.end());
        for (const auto& row : d["allowed"].cast<std::vector<std::vector<int>>>())
          p.allowed.emplace_back(row.begin(), row.end());
        p.travel = d["travel"].cast<double>();
        p.setup = d["setup"].cast<double>();
        if (d.contains("action_after")) p.action_after = d["action_after"].cast<std::vector<int>>();
        commdx::plan_solution s;
        {
          py::gil_scoped_release release;
          s = commdx::solve_plan_problem(p);
        }
        py::dict out;
        out["member"] = s.member;
        out["actions"] = s.actions;
        out["objective"] = s.objective;
        out["upper_bound"] = s.upper_bound;
        out["gap"] = s.gap();
        return out;
      },
      py::arg("problem"),
      "Solves one visit-batching knapsack instance (detail/plan_solver.hpp); for tests and benchmarks.");

  m.def(
      "_plan_pseudonym",
      [](const py::bytes& key, const std::string& id) { return commdx::detail::plan_pseudonym(std::string(key), id); },
      py::arg("key"), py::arg("id"), "The pseudonym plan_outreach shows for id under key (for tests and audits).");
  m.def(
      "_hmac_sha256_hex",
      [](const py::bytes& key, const py::bytes& msg) {
        return commdx::detail::digest_hex(commdx::detail::hmac_sha256(std::string(key), std::string(msg)));
      },
      py::arg("key"), py::arg("message"), "HMAC-SHA-256 of message under key, hex (checked against hashlib in the tests).");
  m.def("_shipped_campaigns", [] {
    return commdx::bind::json_to_py(commdx::campaign_catalogue::shipped().raw);
  });
  // The visit log's words (campaigns.json "visit_log"), as the plan reads them: the one vocabulary
  // the report's visit-log check uses too (python/commdx/monitor.py visit_outcomes).
  m.def(
      "_visit_log_vocabulary",
      [](const py::object& catalogue) {
        const auto cat = catalogue.is_none()
                             ? commdx::campaign_catalogue::shipped()
                             : commdx::campaign_catalogue::from_json(commdx::bind::json_from_py(catalogue, "catalogue"), "catalogue");
        const auto& v = cat.visit_log;
        py::dict out;
        out["contact_actions"] = v.contact_actions;
        out["success"] = v.success;
        out["failure"] = v.failure;
        out["no_attempt"] = v.no_attempt;
        return out;
      },
      py::arg("catalogue") = py::none());
  // A catalogue read from a file is checked under the file's name before planning, so that the
  // plan's own "catalogue" label never stands for the user's file in a message (issue 11).
  m.def(
      "_check_campaign_catalogue",
      [](const py::object& catalogue, const std::string& source) {
        (void)commdx::campaign_catalogue::from_json(commdx::bind::json_from_py(catalogue, source), source);
      },
      py::arg("catalogue"), py::arg("source"));
}
