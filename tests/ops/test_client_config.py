"""connect() reads Temporal's standard client configuration: TOML profiles and TEMPORAL_* vars."""

from __future__ import annotations

from pathlib import Path

import pytest
from temporalio.api.workflowservice.v1 import GetSystemInfoRequest
from temporalio.service import TLSConfig
from temporalio.testing import WorkflowEnvironment

from dondoc.client import connect, connect_options
from dondoc.config import Settings
from dondoc.errors import InvalidSetting

NO_FILE = {"TEMPORAL_CONFIG_FILE": ""}  # never the machine's own ~/.config/temporalio file


def _toml(tmp_path: Path, text: str) -> dict[str, str]:
    path = tmp_path / "temporal.toml"
    path.write_text(text)
    return {"TEMPORAL_CONFIG_FILE": str(path)}


class TestConnectOptions:
    def test_nothing_configured_is_the_local_default(self) -> None:
        """With no file and no variables the settings' defaults apply, without TLS."""
        expected = {"target_host": "localhost:7233", "namespace": "default"}
        assert expected == connect_options(Settings(), NO_FILE)

    def test_api_key_turns_tls_on(self) -> None:
        """TEMPORAL_API_KEY (Temporal Cloud) is passed on, and TLS is enabled with it."""
        env = NO_FILE | {
            "TEMPORAL_ADDRESS": "eu-west-1.aws.api.temporal.io:7233",
            "TEMPORAL_NAMESPACE": "dondoc.a1b2c",
            "TEMPORAL_API_KEY": "key-123",
        }
        options = connect_options(Settings(), env)
        assert (options.get("api_key"), options.get("tls")) == ("key-123", True)

    def test_mtls_files_are_read_from_tls_variables(self, tmp_path: Path) -> None:
        """TEMPORAL_TLS_CLIENT_CERT_PATH / _KEY_PATH / SERVER_CA_CERT_PATH / SERVER_NAME: mTLS."""
        for name in ("client.pem", "client.key", "ca.pem"):
            (tmp_path / name).write_bytes(f"-- {name} --".encode())
        env = NO_FILE | {
            "TEMPORAL_TLS_CLIENT_CERT_PATH": str(tmp_path / "client.pem"),
            "TEMPORAL_TLS_CLIENT_KEY_PATH": str(tmp_path / "client.key"),
            "TEMPORAL_TLS_SERVER_CA_CERT_PATH": str(tmp_path / "ca.pem"),
            "TEMPORAL_TLS_SERVER_NAME": "temporal.internal",
        }
        tls = connect_options(Settings(), env).get("tls")
        assert isinstance(tls, TLSConfig)
        expected = (b"-- client.pem --", b"-- client.key --", b"-- ca.pem --", "temporal.internal")
        assert expected == (
            tls.client_cert,
            tls.client_private_key,
            tls.server_root_ca_cert,
            tls.domain,
        )

    def test_tls_can_be_switched_off(self) -> None:
        """TEMPORAL_TLS=false keeps a plain connection even with an API key."""
        env = NO_FILE | {"TEMPORAL_API_KEY": "k", "TEMPORAL_TLS": "false"}
        assert connect_options(Settings(), env).get("tls") is False

    def test_profile_named_by_temporal_profile_is_used(self, tmp_path: Path) -> None:
        """TEMPORAL_PROFILE picks a profile of the TOML file: address, namespace, key, metadata."""
        env = _toml(
            tmp_path,
            '[profile.default]\naddress = "localhost:7233"\n'
            '[profile.prod]\naddress = "temporal.prod:7233"\nnamespace = "dondoc"\n'
            'api_key = "k"\n[profile.prod.grpc_meta]\nx-team = "dondoc"\n',
        ) | {"TEMPORAL_PROFILE": "prod"}
        options = connect_options(Settings(), env)
        expected = ("temporal.prod:7233", "dondoc", "k", {"x-team": "dondoc"})
        actual = (
            options.get("target_host"),
            options.get("namespace"),
            options.get("api_key"),
            options.get("rpc_metadata"),
        )
        assert expected == actual

    def test_variables_override_the_profile(self, tmp_path: Path) -> None:
        """As in the temporal CLI, TEMPORAL_NAMESPACE wins over the file's namespace."""
        env = _toml(tmp_path, '[profile.default]\naddress = "a:1"\nnamespace = "file"\n')
        env["TEMPORAL_NAMESPACE"] = "from-env"
        options = connect_options(Settings(), env)
        assert (options.get("target_host"), options.get("namespace")) == ("a:1", "from-env")

    def test_address_given_to_the_settings_wins_over_the_profile(self, tmp_path: Path) -> None:
        """An address set in code (or DONDOC_TEMPORAL_ADDRESS) is the one used."""
        env = _toml(tmp_path, '[profile.default]\naddress = "file:7233"\n')
        options = connect_options(Settings(temporal_address="code:7233"), env)
        assert options.get("target_host") == "code:7233"

    def test_missing_config_file_is_a_setting_error(self, tmp_path: Path) -> None:
        """A TEMPORAL_CONFIG_FILE that does not exist is named, not silently ignored."""
        with pytest.raises(InvalidSetting, match="TEMPORAL_CONFIG_FILE"):
            connect_options(Settings(), {"TEMPORAL_CONFIG_FILE": str(tmp_path / "nope.toml")})

    def test_unknown_profile_is_a_setting_error(self, tmp_path: Path) -> None:
        env = _toml(tmp_path, '[profile.default]\naddress = "a:1"\n') | {"TEMPORAL_PROFILE": "x"}
        with pytest.raises(InvalidSetting, match="Profile 'x' not found"):
            connect_options(Settings(), env)

    def test_broken_toml_is_a_setting_error(self, tmp_path: Path) -> None:
        with pytest.raises(InvalidSetting, match="TOML parse error"):
            connect_options(Settings(), _toml(tmp_path, "[profile.default\n"))


async def test_connect_reaches_the_server_named_by_a_profile(
    dev_env: WorkflowEnvironment, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A profile alone (no TEMPORAL_ADDRESS) is enough for connect() to reach the server."""
    address = dev_env.client.service_client.config.target_host
    path = tmp_path / "temporal.toml"
    path.write_text(f'[profile.bench]\naddress = "{address}"\nnamespace = "default"\n')
    for name in ("TEMPORAL_ADDRESS", "DONDOC_TEMPORAL_ADDRESS", "TEMPORAL_NAMESPACE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TEMPORAL_CONFIG_FILE", str(path))
    monkeypatch.setenv("TEMPORAL_PROFILE", "bench")
    client = await connect(Settings())
    assert address == client.service_client.config.target_host
    info = await client.workflow_service.get_system_info(GetSystemInfoRequest())
    assert info.server_version != ""
