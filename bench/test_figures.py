"""The benchmark runners' arithmetic and parsing, and the tables they generated.

    python3 -m unittest discover -s bench -p 'test_*.py'

The figures in docs/performance.md come from these functions, so each is checked
against inputs worked out by hand, and every section of the document these
runners generate against what its renderer makes of the results file it names
(the storefront's section comes from storefront/e2e/run.mjs).
"""

import json
import math
import pathlib
import re
import unittest

import benchlib
import run
import runtime_vs_wasmtime
import sqlite_point_read

# wrk 4.1 (Debian) on this repository's machine: a server answering 404 to everything,
# and one closing each connection after its first answer.
WRK_NOT_FOUND = """Running 1s test @ http://127.0.0.1:18777/missing
  1 threads and 2 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     1.14ms    1.47ms  20.75ms   98.07%
    Req/Sec     1.95k   127.05     2.04k    90.91%
  Latency Distribution
     50%    0.95ms
     75%    1.17ms
     90%    1.43ms
     99%    8.78ms
  2125 requests in 1.10s, 1.05MB read
  Non-2xx or 3xx responses: 2125
Requests/sec:   1930.08
Transfer/sec:      0.96MB
"""
WRK_CLOSED = """Running 1s test @ http://127.0.0.1:18779/
  1 threads and 2 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    62.58us   83.25us   2.35ms   97.16%
    Req/Sec    20.31k     1.70k   21.62k    81.82%
  Latency Distribution
     50%   56.00us
     75%   69.00us
     90%   79.00us
     99%  246.00us
  22202 requests in 1.10s, 867.27KB read
  Socket errors: connect 0, read 22200, write 0, timeout 0
Requests/sec:  20192.59
Transfer/sec:    788.77KB
"""


class Wrk(unittest.TestCase):
    def test_durations_in_every_unit_wrk_prints(self):
        self.assertAlmostEqual(benchlib.to_ms("56.00us"), 0.056)
        self.assertAlmostEqual(benchlib.to_ms("8.78ms"), 8.78)
        self.assertAlmostEqual(benchlib.to_ms("1.20s"), 1200)
        self.assertAlmostEqual(benchlib.to_ms("1.02m"), 61_200)

    def test_non_2xx_answers_are_errors(self):
        self.assertEqual(benchlib.parse_wrk(WRK_NOT_FOUND),
                         {"rps": 1930.08, "p50_ms": 0.95, "p99_ms": 8.78, "errors": 2125, "requests": 2125})

    def test_socket_errors_are_errors(self):
        figures = benchlib.parse_wrk(WRK_CLOSED)
        self.assertEqual((figures["errors"], figures["requests"]), (22200, 22202))
        self.assertAlmostEqual(figures["p50_ms"], 0.056)
        self.assertAlmostEqual(figures["p99_ms"], 0.246)

    def test_the_median_run_by_throughput_and_by_latency(self):
        runs = [{"rps": 3, "p50_ms": 1.0}, {"rps": 1, "p50_ms": 3.0}, {"rps": 2, "p50_ms": 2.0}]
        self.assertEqual(benchlib.median_run(runs), {"rps": 2, "p50_ms": 2.0})
        self.assertEqual(benchlib.median_latency(runs), {"rps": 2, "p50_ms": 2.0})


class NoRead(unittest.TestCase):
    def test_the_read_is_the_median_of_each_rounds_difference(self):
        def side(*pairs):  # (rps, one-connection p50 ms) per round
            return [{"rps": rps, "single": {"rps": 1, "p50_ms": p50}} for rps, p50 in pairs]

        runs = {
            "component": side((10, 0.125), (12, 0.130), (11, 0.190)),
            "component_no_read": side((20, 0.100), (22, 0.090), (21, 0.140)),
            "native": side((70, 0.030), (75, 0.029), (72, 0.031)),
            "native_no_read": side((90, 0.020), (95, 0.025), (92, 0.021)),
        }
        figures = sqlite_point_read.no_read_figures(runs)
        # Differences 0.025, 0.040 and 0.050 ms: the median is 0.040, which no
        # difference of the medians (0.130 - 0.100 = 0.030) would give.
        self.assertEqual(figures["read_p50_ms"], [0.04, 0.01])
        self.assertEqual(figures["component"]["rps"], 21)
        self.assertEqual(figures["component_single"]["p50_ms"], 0.100)
        self.assertEqual(figures["native_single"]["p50_ms"], 0.021)


# A cumulative histogram as the runtime exports it: upper bounds in seconds,
# doubling from 0.1 ms, and +Inf.
HISTOGRAM = [(0.0001, 0.0), (0.0002, 50.0), (0.0004, 90.0), (0.0008, 100.0), (math.inf, 100.0)]


class Histograms(unittest.TestCase):
    def test_a_quantile_is_interpolated_within_its_bucket(self):
        # The 50th of 100 requests is the last in (0.1, 0.2] ms.
        self.assertAlmostEqual(run.quantile_ms(HISTOGRAM, 0.5), 0.2)
        # 25 of the 50 in that bucket: halfway through it.
        self.assertAlmostEqual(run.quantile_ms(HISTOGRAM, 0.25), 0.15)
        # The 99th: 9 of the 10 in (0.4, 0.8] ms.
        self.assertAlmostEqual(run.quantile_ms(HISTOGRAM, 0.99), 0.76)

    def test_no_figure_without_requests_or_past_the_last_bound(self):
        self.assertIsNone(run.quantile_ms([], 0.5))
        self.assertIsNone(run.quantile_ms([(0.0001, 0.0), (math.inf, 0.0)], 0.5))
        self.assertIsNone(run.quantile_ms([(0.0001, 1.0), (math.inf, 4.0)], 0.99))

    def test_a_run_is_the_difference_of_two_scrapes(self):
        before = {"buckets": {"catalog": [(0.0001, 10.0), (0.0002, 20.0), (math.inf, 20.0)]},
                  "threads": {"1": (2.0, 0.5), "2": (1.0, 0.0)}}
        after = {"buckets": {"catalog": [(0.0001, 10.0), (0.0002, 120.0), (math.inf, 120.0)],
                             "cart": [(0.0001, 4.0), (0.0002, 4.0), (math.inf, 4.0)],
                             "users": [(0.0001, 0.0), (math.inf, 0.0)]},
                  "threads": {"1": (6.0, 0.7), "2": (1.5, 0.1), "3": (0.5, 0.2)}}
        figures = run.server_figures(before, after, seconds=2.0, requests=100)
        # The 100 catalog requests of the run all fell in (0.1, 0.2] ms; users had none.
        self.assertEqual(set(figures["components"]), {"catalog", "cart"})
        self.assertEqual(figures["components"]["catalog"]["requests"], 100)
        self.assertAlmostEqual(figures["components"]["catalog"]["p50_ms"], 0.15)
        self.assertAlmostEqual(figures["components"]["catalog"]["p99_ms"], 0.199)
        self.assertEqual(figures["components"]["cart"]["requests"], 4)
        # 4 + 0.5 + 0.5 s of CPU in 2 s; 0.2 + 0.1 + 0.2 s waiting, over 100 requests.
        self.assertAlmostEqual(figures["cpu_cores"], 2.5)
        self.assertAlmostEqual(figures["runqueue_wait_ms_per_request"], 5.0)

    def test_no_thread_figures_where_the_kernel_keeps_none(self):
        scrape = {"buckets": {}, "threads": None}
        self.assertEqual(run.server_figures(scrape, scrape, seconds=1.0, requests=10), {"components": {}})


class Answers(unittest.TestCase):
    def test_equal_json_has_no_difference(self):
        value = {"items": [{"id": 1, "price": {"amount": 100}}], "next": None}
        self.assertIsNone(run.difference(value, json.loads(json.dumps(value))))

    def test_the_first_difference_is_named_by_its_path(self):
        a = {"items": [{"id": 1, "price": {"amount": 100}}]}
        b = {"items": [{"id": 1, "price": {"amount": 101}}]}
        self.assertEqual(run.difference(a, b), "$.items[0].price.amount: 100 against 101")
        self.assertEqual(run.difference({"a": 1}, {"a": 1, "b": 2}), "$: keys ['b'] on one side only")
        self.assertEqual(run.difference([1, 2], [1]), "$: 2 items against 1")

    def test_a_number_of_another_type_differs(self):
        self.assertEqual(run.difference({"n": 1}, {"n": 1.0}), "$.n: 1 against 1.0")


class GeneratedTables(unittest.TestCase):
    """Each section of docs/performance.md a Python runner generates is what it
    renders from the results file the section names: no hand edits, no renderer
    change left unrendered."""

    SECTIONS = {"runtime-bench": runtime_vs_wasmtime, "sqlite-bench": sqlite_point_read, "load-bench": run}

    def test_every_section_matches_its_results(self):
        doc = benchlib.DOC.read_text()
        for marker, runner in self.SECTIONS.items():
            with self.subTest(marker):
                section = re.search(rf"<!-- {marker}:start -->\n(.*?)\n<!-- {marker}:end -->", doc, re.S).group(1)
                results = re.search(r"Raw figures: `(bench/results/[^`]+\.json)`", section).group(1)
                report = json.loads(pathlib.Path(benchlib.ROOT / results).read_text())
                self.assertEqual(runner.render(report), section)


if __name__ == "__main__":
    unittest.main()
