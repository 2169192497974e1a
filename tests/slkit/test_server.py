"""How Voila is configured for a room: the template and the preheated pages."""

import json

import pytest

from slkit import KitError
from slkit.server import FACILITATOR, LANDING, PREHEAT_REFILL_DELAY, ServeOptions, preheat_notebooks, voila_argv


def _option(argv: list[str], name: str) -> str | None:
    found = [a.split("=", 1)[1] for a in argv if a.startswith(f"--{name}=")]
    return found[-1] if found else None


def test_pages_use_the_kit_template():
    assert _option(voila_argv(ServeOptions()), "VoilaConfiguration.template") == "slkit"


def test_no_kernels_are_kept_ready_unless_asked():
    argv = voila_argv(ServeOptions())
    assert _option(argv, "VoilaConfiguration.preheat_kernel") is None


def test_preheat_keeps_kernels_for_every_participant_page_never_the_board():
    argv = voila_argv(ServeOptions(preheat=3))
    assert _option(argv, "VoilaConfiguration.preheat_kernel") == "True"
    pools = json.loads(_option(argv, "VoilaKernelManager.kernel_pools_config"))
    assert pools["default"] == {"pool_size": 0}
    assert pools[LANDING] == {"pool_size": 3} and FACILITATOR not in pools
    assert {"01_purpose_first.ipynb", "04_five_practices.ipynb"} <= set(pools)
    assert _option(argv, "VoilaKernelManager.fill_delay") == str(PREHEAT_REFILL_DELAY)


def test_preheat_for_chosen_pages_only():
    pools = json.loads(_option(voila_argv(ServeOptions(preheat=30, preheat_pages=("landing", "five_practices"))),
                               "VoilaKernelManager.kernel_pools_config"))
    assert pools == {"default": {"pool_size": 0}, LANDING: {"pool_size": 30}, "04_five_practices.ipynb": {"pool_size": 30}}


def test_an_unknown_page_is_named_with_the_choices():
    with pytest.raises(KitError, match=r"Cannot preheat facilitator, nope: choose from landing, purpose_first"):
        preheat_notebooks(["five_practices", "facilitator", "nope"])
