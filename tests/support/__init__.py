"""Test helpers shared by the test suite (and, later, by `plan`): the mock engine recorder."""
