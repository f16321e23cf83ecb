import os
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if REPO not in sys.path:
    sys.path.insert(0, REPO)

# Catalog lifecycle rules compare dates with "today": no test depends on the real date. On this
# day every model version the example manifests use is current (catalog/models.yaml).
os.environ["FOUNDRY_KIT_TODAY"] = "2025-10-01"


import pytest  # noqa: E402
from hypothesis import settings  # noqa: E402

# `make check` (the edit loop) runs the property tests with a quarter of their examples;
# `make test` and CI run them all.
settings.register_profile("check", max_examples=25)


@pytest.fixture(scope="session")
def test_ca(tmp_path_factory: pytest.TempPathFactory):
    """A certificate authority made for this test run, and the file its certificate is in."""
    trustme = pytest.importorskip("trustme")
    ca = trustme.CA()
    bundle = tmp_path_factory.mktemp("ca") / "ca.pem"
    ca.cert_pem.write_to_path(str(bundle))
    return ca, str(bundle)


@pytest.fixture
def fake_arm(test_ca, monkeypatch: pytest.MonkeyPatch):
    """A fake Azure Resource Manager on 127.0.0.1 (HTTPS, the test's CA) that the live layer is
    pointed at through its own settings: endpoint, token and CA bundle from the environment,
    retries without real waiting (the waits asked for are recorded in `arm.sleeps`)."""
    pytest.importorskip("azure.mgmt.core")
    from foundry_estate.live import client
    from support.fake_arm import FakeArm

    ca, bundle = test_ca
    arm = FakeArm(ca)
    monkeypatch.setenv(client.ENDPOINT_VARIABLE, arm.endpoint)
    monkeypatch.setenv(client.TOKEN_VARIABLE, "test-token")
    monkeypatch.setenv(client.CA_VARIABLE, bundle)
    monkeypatch.setattr("azure.core.pipeline.transport.RequestsTransport.sleep",
                        lambda _transport, seconds: arm.sleeps.append(seconds))
    try:
        yield arm
    finally:
        arm.close()
    assert len(arm.requests) <= arm.max_requests, "the client kept asking past the test's request budget"
