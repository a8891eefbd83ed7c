"""AlphaGo's networks, their FLOPs, and the report's arithmetic about them (chapter 6).

The networks are those of Silver et al. (2016), Methods, "Neural network architecture":

* **policy network**: a 19 x 19 x 48 stack of binary feature planes; layer 1 zero-pads to
  23 x 23 and convolves 192 filters of 5 x 5 (stride 1) with a rectifier; layers 2-12 pad to
  21 x 21 and convolve 192 filters of 3 x 3 with a rectifier; layer 13 convolves one 1 x 1 filter
  with a different bias for each board point, then a softmax over the 361 points.
* **value network**: the same stack plus one plane (the colour to play), 49 planes; layers 2-11
  as in the policy network; layer 12 "an additional convolution layer" (the paper gives no size:
  we take 192 filters of 3 x 3 like its neighbours); layer 13 one 1 x 1 filter; layer 14 fully
  connected, 256 rectifier units; output one tanh unit.

:func:`policy_layers` and :func:`value_layers` list the layers as
:class:`aicompute.im2col.ConvShape` / :class:`aicompute.flops.LinearShape`;
:func:`policy_network` and :func:`value_network` build them in PyTorch (imported only when
called). :mod:`aicompute.flops` counts their FLOPs; ``FlopCounterMode`` checks the count.

The report (제2장 제4절, box "AlphaGo의 계산량 분석", footnotes 7, 8, 14-19; <표 2-2>; 제1장 3)
prices one evaluation at about 30 GFLOP and builds on it a chain of claims (evaluations per
second on a K40, 176 GPUs, 100,000 positions in 30 s, 6 PFLOP, 80 minutes on a PC).
:func:`report_conv_flops` reproduces its formula exactly as written, :class:`SearchBudget`
carries the chain through with any FLOP count, and :func:`audit` checks every claim against our
count, the paper's own figures and the TOP500 lists (curated tables ``alphago_hardware`` and
``game_ai_top500``).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from aicompute import claims, data, hardware, validate
from aicompute.claims import (
    Claim,
    Finding,
    Verdict,
    audit_chapter,
    audits,
    check,
)
from aicompute.flops import Layer, LinearShape, elementwise_flops, network_flops
from aicompute.im2col import ConvShape, k40_balance

__all__ = [
    "BOARD",
    "POLICY_PLANES",
    "VALUE_PLANES",
    "FILTERS",
    "VALUE_HIDDEN",
    "policy_layers",
    "value_layers",
    "policy_network",
    "value_network",
    "random_boards",
    "policy_flops",
    "value_flops",
    "paper_fact",
    "top500_table",
    "top500_entry",
    "rank_for",
    "report_conv_flops",
    "REPORT_FLOPS_PER_EVALUATION",
    "REPORT_GPU_FLOPS",
    "REPORT_EFFICIENCY",
    "REPORT_POSITIONS",
    "SearchBudget",
    "report_budget",
    "our_budget",
    "search_flops",
    "seconds_on",
    "report_pc_flops",
    "search_time_table",
    "search_time_lines",
    "evaluation_rate",
    "K40_40_PER_S",
    "audit",
]

# Silver et al. 2016, Methods: board size, input planes, filters (the match version, k = 192),
# and the value network's fully connected layer.
BOARD = 19
POLICY_PLANES = 48
VALUE_PLANES = 49
FILTERS = 192
VALUE_HIDDEN = 256


def _conv(c_in: int, c_out: int, kernel: int, batch: int) -> ConvShape:
    return ConvShape(
        c_in, c_out, kernel, padding=kernel // 2, height=BOARD, width=BOARD, batch=batch
    )


def policy_layers(
    filters: int = FILTERS, *, planes: int = POLICY_PLANES, batch: int = 1
) -> dict[str, Layer]:
    """The policy network's 13 convolution layers, by name (``conv1`` ... ``conv13``)."""
    filters = _check_filters(filters)
    planes = validate.positive_integer("planes", planes)
    layers: dict[str, Layer] = {"conv1": _conv(planes, filters, 5, batch)}
    for index in range(2, 13):
        layers[f"conv{index}"] = _conv(filters, filters, 3, batch)
    layers["conv13"] = _conv(filters, 1, 1, batch)
    return layers


def value_layers(
    filters: int = FILTERS, *, planes: int = VALUE_PLANES, batch: int = 1
) -> dict[str, Layer]:
    """The value network: 13 convolutions (layer 12 assumed 3 x 3), then 361 -> 256 -> 1."""
    filters = _check_filters(filters)
    planes = validate.positive_integer("planes", planes)
    layers: dict[str, Layer] = {"conv1": _conv(planes, filters, 5, batch)}
    for index in range(2, 13):  # 2-11 as in the policy network; 12 "additional", assumed 3x3
        layers[f"conv{index}"] = _conv(filters, filters, 3, batch)
    layers["conv13"] = _conv(filters, 1, 1, batch)
    layers["fc14"] = LinearShape(BOARD * BOARD, VALUE_HIDDEN, batch=batch)
    layers["fc15"] = LinearShape(VALUE_HIDDEN, 1, batch=batch)
    return layers


@functools.cache
def _position_bias_class():
    import torch

    class PositionBias(torch.nn.Module):
        """Adds a learned bias per board point (the policy network's last layer)."""

        def __init__(self, points: int):
            super().__init__()
            self.bias = torch.nn.Parameter(torch.zeros(points))

        def forward(self, x):
            return x + self.bias

    return PositionBias


def _conv_stack(layers: dict[str, Layer]):
    import torch

    modules = []
    convs = [layer for layer in layers.values() if isinstance(layer, ConvShape)]
    for index, shape in enumerate(convs):
        last = index == len(convs) - 1
        modules.append(
            torch.nn.Conv2d(
                shape.in_channels,
                shape.out_channels,
                shape.kernel,
                padding=shape.padding,
                bias=not last,
            )
        )
        if not last:
            modules.append(torch.nn.ReLU())
    return modules


def _check_filters(filters: int) -> int:
    if isinstance(filters, bool) or not isinstance(filters, int) or filters < 1:
        raise ValueError(f"filters must be a positive integer, got {filters!r}")
    return filters


def policy_network(filters: int = FILTERS, *, seed: int = 0):
    """The policy network in PyTorch (eval mode, seeded initial weights): boards -> 361 move
    probabilities."""
    import torch

    layers = policy_layers(_check_filters(filters))
    torch.manual_seed(validate.integer("seed", seed))
    modules = _conv_stack(layers)
    modules += [
        torch.nn.Flatten(),
        _position_bias_class()(BOARD * BOARD),
        torch.nn.Softmax(dim=1),
    ]
    return torch.nn.Sequential(*modules).eval()


def value_network(filters: int = FILTERS, *, seed: int = 0):
    """The value network in PyTorch (eval mode, seeded initial weights): boards -> value in
    [-1, 1]."""
    import torch

    layers = value_layers(_check_filters(filters))
    torch.manual_seed(validate.integer("seed", seed))
    modules = _conv_stack(layers)
    # The 1x1 layer 13 keeps an ordinary bias and a rectifier before the fully connected part.
    modules[-1] = torch.nn.Conv2d(filters, 1, 1)
    modules += [
        torch.nn.ReLU(),
        torch.nn.Flatten(),
        torch.nn.Linear(BOARD * BOARD, VALUE_HIDDEN),
        torch.nn.ReLU(),
        torch.nn.Linear(VALUE_HIDDEN, 1),
        torch.nn.Tanh(),
    ]
    return torch.nn.Sequential(*modules).eval()


def random_boards(batch: int, planes: int = POLICY_PLANES, *, seed: int = 0):
    """``batch`` random binary feature stacks ``(batch, planes, 19, 19)``, float32, seeded
    (AlphaGo's input planes are 0/1)."""
    import torch

    if isinstance(batch, bool) or not isinstance(batch, int) or batch < 1:
        raise ValueError(f"batch must be a positive integer, got {batch!r}")
    if isinstance(planes, bool) or not isinstance(planes, int) or planes < 1:
        raise ValueError(f"planes must be a positive integer, got {planes!r}")
    generator = torch.Generator().manual_seed(seed)
    return torch.randint(0, 2, (batch, planes, BOARD, BOARD), generator=generator).float()


# --------------------------------------------------------------------------------------------
# Curated facts: the paper's hardware and figures, and the TOP500 rows of <표 2-2>.


def paper_fact(fact: str) -> float:
    """A value of the curated ``alphago_hardware`` table (paper and K40 facts), by name."""
    table = data.load("alphago_hardware").set_index("fact")
    if fact not in table.index:
        raise ValueError(f"no fact {fact!r} in alphago_hardware; known: {', '.join(table.index)}")
    return float(table.loc[fact, "value"])


def top500_table() -> pd.DataFrame:
    """The curated TOP500 entries of <표 2-2> and their neighbours (``game_ai_top500``)."""
    return data.load("game_ai_top500")


def top500_entry(list_month: str, rank: int) -> pd.Series:
    """The curated row of TOP500 list ``'YYYY-MM'`` at ``rank``."""
    table = top500_table()
    rows = table[(table["list"] == list_month) & (table["rank"] == rank)]
    if rows.empty:
        raise ValueError(f"no curated TOP500 row for list {list_month!r}, rank {rank}")
    return rows.iloc[0]


def rank_for(rmax_gflops: float, list_month: str) -> int:
    """The rank a system of ``rmax_gflops`` (HPL Rmax) would have had on list ``list_month``.

    Needs two curated consecutive ranks ``r`` and ``r + 1`` with Rmax(r) >= x > Rmax(r + 1):
    the system then takes rank ``r + 1`` (ties go to the listed system). Raises ``ValueError``
    when the curated rows do not bracket the value.
    """
    rmax_gflops = validate.positive_number("rmax_gflops", rmax_gflops)
    table = top500_table()
    rows = table[table["list"] == list_month].set_index("rank")["rmax_gflops"].sort_index()
    if rows.empty:
        raise ValueError(f"no curated TOP500 rows for list {list_month!r}")
    for rank, rmax in rows.items():
        following = rows.get(rank + 1)
        if following is not None and rmax >= rmax_gflops > following:
            return int(rank + 1)
    raise ValueError(
        f"the curated rows of list {list_month} do not bracket {rmax_gflops:g} GFLOP/s: "
        "add the two neighbouring ranks to game_ai_top500.csv"
    )


# --------------------------------------------------------------------------------------------
# The report's arithmetic, exactly as written, and the same chain with any FLOP count.


def report_conv_flops(
    planes: int, kernel: int, filters: int, *, board: int = BOARD, layers: int = 1
) -> float:
    """A convolution layer's FLOPs by the report's formula (footnotes 14 and 15), verbatim:

    ``board² × planes × k² (filter) × k² ("additions in the dot product") × filters
    × 2 ("activation") × layers``.

    The filter's ``k²`` taps are counted twice (once as multiplications, once as additions),
    and the factor 2 that does stand for the multiply-and-add is attributed to the activation.
    """
    for name, value in (
        ("planes", planes),
        ("kernel", kernel),
        ("filters", filters),
        ("board", board),
        ("layers", layers),
    ):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return float(board**2 * planes * kernel**2 * kernel**2 * filters * 2 * layers)


REPORT_FLOPS_PER_EVALUATION = 30e9  # footnote 16: "도합 약 30 Gflop"
REPORT_GPU_FLOPS = 1.2e12  # footnote 17: K40 running cuDNN, "약 1.2 TFLOPS" measured
REPORT_EFFICIENCY = 0.8  # footnote 8: processors run at 80 % of their theoretical peak
REPORT_POSITIONS = 100_000  # "약 10만 개의 경우의 수"


@dataclass(frozen=True)
class SearchBudget:
    """The report's chain: FLOPs per evaluation -> evaluations per second -> positions in 30 s.

    ``networks_per_position`` is 2: the report evaluates both the policy and the value network
    for every position. ``flops_per_position`` may differ from twice ``flops_per_evaluation``
    (our value network costs slightly more than the policy network); it defaults to that.
    """

    flops_per_evaluation: float
    gpu_flops: float = REPORT_GPU_FLOPS
    gpus: int = 176
    seconds: float = 30.0
    networks_per_position: int = 2
    flops_per_position: float | None = None

    def __post_init__(self) -> None:
        for name in ("flops_per_evaluation", "gpu_flops", "seconds"):
            if not getattr(self, name) > 0:
                raise ValueError(f"{name} must be positive, got {getattr(self, name)}")
        for name in ("gpus", "networks_per_position"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be a positive integer, got {value!r}")
        if self.flops_per_position is None:
            object.__setattr__(
                self, "flops_per_position", self.networks_per_position * self.flops_per_evaluation
            )
        elif not self.flops_per_position > 0:
            raise ValueError(f"flops_per_position must be positive, got {self.flops_per_position}")

    @property
    def evaluations_per_gpu_second(self) -> float:
        """Network evaluations one GPU completes per second."""
        return self.gpu_flops / self.flops_per_evaluation

    @property
    def evaluations_per_second(self) -> float:
        """Network evaluations per second on all GPUs."""
        return self.gpus * self.evaluations_per_gpu_second

    @property
    def positions_per_second(self) -> float:
        """Positions per second with every network evaluated for each (the report's "착수")."""
        return self.gpus * self.gpu_flops / self.flops_per_position

    @property
    def positions(self) -> float:
        """Positions evaluated in ``seconds``."""
        return self.positions_per_second * self.seconds

    @property
    def flops(self) -> float:
        """FLOPs the GPUs perform in ``seconds`` (independent of the per-evaluation cost)."""
        return self.gpus * self.gpu_flops * self.seconds


def policy_flops(filters: int = FILTERS) -> int:
    """FLOPs of one policy-network evaluation (convolutions only, 2 per MAC)."""
    return network_flops(policy_layers(filters))


def value_flops(filters: int = FILTERS) -> int:
    """FLOPs of one value-network evaluation (convolutions and linear layers, 2 per MAC)."""
    return network_flops(value_layers(filters))


def report_budget() -> SearchBudget:
    """The report's chain with its own 30 GFLOP per evaluation."""
    return SearchBudget(REPORT_FLOPS_PER_EVALUATION, gpus=int(paper_fact("distributed_gpus")))


def our_budget() -> SearchBudget:
    """The same chain with our count: a policy plus a value evaluation per position."""
    return SearchBudget(
        float(policy_flops()),
        gpus=int(paper_fact("distributed_gpus")),
        flops_per_position=float(policy_flops() + value_flops()),
    )


def search_flops(positions: float, flops_per_position: float) -> float:
    """FLOPs to evaluate ``positions`` positions at ``flops_per_position`` each."""
    validate.positive_number("positions", positions)
    validate.positive_number("flops_per_position", flops_per_position)
    return positions * flops_per_position


def seconds_on(flops: float, peak_flops: float, efficiency: float = REPORT_EFFICIENCY) -> float:
    """Seconds to perform ``flops`` on a processor of ``peak_flops`` running at ``efficiency``."""
    flops = validate.positive_number("flops", flops, allow_zero=True)
    peak_flops = validate.positive_number("peak_flops", peak_flops)
    if not 0 < validate.finite_number("efficiency", efficiency) <= 1:
        raise ValueError(f"efficiency must be in (0, 1], got {efficiency}")
    return flops / (peak_flops * efficiency)


def report_pc_flops() -> float:
    """The report's "PC": its high-end 22-core CPU of [그림 2-2] (Xeon E5-2699 v4), FP32 peak,
    FLOP/s, from the shared datasheet table."""
    row = hardware.lookup("Xeon E5-2699 v4")
    if row is None:
        raise ValueError("hardware.csv has no Xeon E5-2699 v4 row")
    return float(row["fp32_tflops"]) * 1e12


def search_time_table(
    flops: float,
    efficiency: float = REPORT_EFFICIENCY,
    *,
    names: list[str] | None = None,
    extra: dict[str, float] | None = None,
) -> pd.DataFrame:
    """Seconds to perform ``flops`` on processors of the datasheet (FP32 peak at
    ``efficiency``; all rows with an FP32 figure, or those in ``names``), plus ``extra`` named
    sustained rates (FLOP/s, used as they are). Sorted from fastest to slowest."""
    flops = validate.positive_number("flops", flops, allow_zero=True)
    sheet = hardware.datasheet()
    if names is not None:
        unknown = sorted(set(names) - set(sheet["name"]))
        if unknown:
            raise ValueError(f"not in the datasheet table: {unknown}")
        sheet = sheet[sheet["name"].isin(names)]
    sheet = sheet[sheet["fp32_tflops"].notna()]
    rows = [
        {
            "processor": row["name"],
            "year": int(row["year"]),
            "FP32 peak (TFLOP/s)": float(row["fp32_tflops"]),
            "sustained (TFLOP/s)": float(row["fp32_tflops"]) * efficiency,
            "seconds": seconds_on(flops, float(row["fp32_tflops"]) * 1e12, efficiency),
        }
        for _, row in sheet.iterrows()
    ]
    for name, rate in (extra or {}).items():
        rows.append(
            {
                "processor": name,
                "year": None,
                "FP32 peak (TFLOP/s)": None,
                "sustained (TFLOP/s)": rate / 1e12,
                "seconds": seconds_on(flops, rate, 1.0),
            }
        )
    return pd.DataFrame(rows).sort_values("seconds").reset_index(drop=True)


def search_time_lines(
    positions: float, flops_per_position: dict[str, float], rates: dict[str, float]
) -> str:
    """How long ``positions`` take at each sustained rate (FLOP/s) of ``rates``, for each FLOP
    count of ``flops_per_position`` (label -> FLOPs per position): one line per pair, in words.

    The text of chapter 6's explorer; every input changes the answer.
    """
    positions = validate.positive_number("positions", positions)
    for name, mapping in (("flops_per_position", flops_per_position), ("rates", rates)):
        if not isinstance(mapping, Mapping) or not mapping:
            raise ValueError(f"{name} must be a non-empty mapping of labels to numbers")
    lines = []
    for name, rate in rates.items():
        if not rate > 0:
            raise ValueError(f"rate of {name!r} must be positive, got {rate}")
        lines.append(f"{name} ({rate / 1e12:,.2f} TFLOP/s):")
        for label, per_position in flops_per_position.items():
            flops = search_flops(positions, per_position)
            seconds = seconds_on(flops, rate, 1.0)
            lines.append(
                f"  {label:>14}: {positions:,.0f} positions = {flops / 1e15:,.2f} PFLOP"
                f" -> {seconds:,.0f} s ({seconds / 60:,.1f} min)"
            )
    return "\n".join(lines)


def evaluation_rate(net, boards, *, repeat: int = 5):
    """Measured evaluations per second of ``net`` on ``boards`` (one call = one batch):
    returns ``(evaluations per second, Timing)``. CPU or GPU as ``boards`` lives."""
    import torch

    from aicompute.timing import benchmark

    if not isinstance(boards, torch.Tensor) or boards.ndim != 4:
        raise ValueError("boards must be a 4-D torch tensor (batch, planes, 19, 19)")
    with torch.no_grad():
        timing = benchmark(lambda: net(boards), repeat=repeat, warmup=1, device=boards.device)
    return boards.shape[0] / timing.median, timing


# --------------------------------------------------------------------------------------------
# The report's claims (제2장 제4절 and its box, footnotes 7, 8, 14-19, <표 2-2>, 제1장 3), one
# audit each; their words live in the claims table ``data/claims/ch6.csv``.

#: The claim that lab 4 measures on a GPU (evaluations per second on a K40).
K40_40_PER_S = claims.get("ch6.k40-40-evaluations")


@functools.cache
def _policy_and_value_flops() -> tuple[int, int]:
    """FLOPs of one policy and one value evaluation (2 per MAC)."""
    return network_flops(policy_layers()), network_flops(value_layers())


@functools.cache
def _budgets() -> tuple[SearchBudget, SearchBudget]:
    """The search chain with our FLOP count and with the report's 30 GFLOP."""
    return our_budget(), report_budget()


def _position_flops() -> int:
    """FLOPs of one position: a policy and a value evaluation."""
    policy, value = _policy_and_value_flops()
    return policy + value


def _paper_rate() -> float:
    """Policy evaluations per second per GPU at the paper's 3 ms each."""
    return 1 / paper_fact("policy_net_seconds")


@audits("ch6.input-48-planes")
def _planes_finding(claim: Claim) -> Finding:
    return check(
        claim,
        POLICY_PLANES,
        note=(
            f"policy network; the value network adds a 49th plane (colour to play): {VALUE_PLANES}"
        ),
    )


@audits("ch6.thirteen-layers")
def _layers_finding(claim: Claim) -> Finding:
    return check(
        claim,
        len(policy_layers()),
        note=(
            "the policy network: 1 layer 5×5, 11 layers 3×3, 1 layer 1×1; the value network "
            f"has 13 convolutions plus 2 fully connected layers ({len(value_layers())})"
        ),
    )


@audits("ch6.layers-2-to-13-3x3")
def _hidden_layers_finding(claim: Claim) -> Finding:
    hidden_3x3 = sum(
        1
        for layer in policy_layers().values()
        if isinstance(layer, ConvShape) and layer.kernel == 3
    )
    return check(
        claim,
        hidden_3x3,
        verdict=Verdict.ROUGHLY,
        note=(
            "layers 2-12 are 3×3 with 192 filters (11 layers, as footnote 15 multiplies); "
            "layer 13 is one 1×1 filter with a bias per point, not a 3×3 layer"
        ),
    )


@audits("ch6.sl-29.4m-positions")
def _sl_positions_finding(claim: Claim) -> Finding:
    return check(
        claim,
        paper_fact("sl_training_positions"),
        note=f"{paper_fact('sl_training_games'):,.0f} KGS games; Silver et al. 2016",
    )


@audits("ch6.value-30m-positions")
def _value_positions_finding(claim: Claim) -> Finding:
    return check(
        claim,
        paper_fact("value_training_positions"),
        note="distinct positions, each from a separate self-play game",
    )


@audits("ch6.pro-games-one-month")
def _pro_games_finding(claim: Claim) -> Finding:
    return check(
        claim,
        paper_fact("sl_training_games"),
        verdict=Verdict.MISLEADING,
        note=(
            "160,000 games, but from the KGS server: strong amateurs (6-9 dan), not "
            f"professionals; training took about {paper_fact('sl_training_weeks'):.0f} "
            "weeks on 50 GPUs"
        ),
    )


@audits("ch6.conv1-4.159-gflop")
def _footnote_14_finding(claim: Claim) -> Finding:
    conv1 = network_flops({"conv1": policy_layers()["conv1"]})
    report14 = report_conv_flops(POLICY_PLANES, 5, FILTERS)
    return check(
        claim,
        conv1 / 1e9,
        note=(
            f"2 × 361 × 192 × 48 × 25 = {conv1 / 1e6:.1f} MFLOP; the report's formula gives "
            f"{report14 / 1e9:.3f} G: it counts the 25 filter taps twice (× 25 'additions') and "
            "calls the factor 2 of multiply-and-add the activation; ours is 1/25 of it"
        ),
    )


@audits("ch6.conv2-12-23.715-gflop")
def _footnote_15_finding(claim: Claim) -> Finding:
    policy = policy_layers()
    hidden = sum(network_flops({n: policy[n]}) for n in [f"conv{i}" for i in range(2, 13)])
    report15 = report_conv_flops(FILTERS, 3, FILTERS, layers=11)
    return check(
        claim,
        hidden / 1e9,
        note=(
            f"11 × 2 × 361 × 192 × 192 × 9 = {hidden / 1e9:.3f} GFLOP; the report's formula "
            f"gives {report15 / 1e9:.3f} G (the 9 taps counted twice, so 9× too much)"
        ),
    )


@audits("ch6.conv-27.874-gflop")
def _footnote_16_finding(claim: Claim) -> Finding:
    conv_total, _ = _policy_and_value_flops()  # the policy network is convolutions only
    return check(
        claim,
        conv_total / 1e9,
        note=(
            f"all 13 policy convolutions, incl. the 1×1 layer; the report's 27.874 is "
            f"{27.874e9 / conv_total:.1f}× ours; FlopCounterMode agrees with our count"
        ),
    )


@audits("ch6.evaluation-30-gflop")
def _evaluation_finding(claim: Claim) -> Finding:
    p_flops, v_flops = _policy_and_value_flops()
    extra_policy = elementwise_flops(policy_layers(), softmax=True)
    fc_flops = sum(
        layer.flops for layer in value_layers().values() if isinstance(layer, LinearShape)
    )
    return check(
        claim,
        p_flops / 1e9,
        note=(
            f"policy {p_flops / 1e9:.3f}, value {v_flops / 1e9:.3f} GFLOP; biases, ReLUs and "
            f"softmax add {extra_policy / 1e6:.1f} MFLOP ({100 * extra_policy / p_flops:.2f} %) "
            f"and the value network's fully connected layers {fc_flops / 1e6:.2f} MFLOP, "
            "not the 2.1 GFLOP the report adds to reach 30"
        ),
    )


@audits("ch6.eighty-percent-of-peak")
def _efficiency_finding(claim: Claim) -> Finding:
    k40_base, _, _ = k40_balance()
    k40 = hardware.lookup("Tesla K40")
    if k40 is None:
        raise ValueError("hardware.csv has no Tesla K40 row")
    k40_boost = float(k40["fp32_tflops"]) * 1e12
    p_flops, _ = _policy_and_value_flops()
    paper_rate = p_flops * _paper_rate()  # FLOP/s of one policy evaluation in 3 ms
    shares = {
        name: (100 * rate / k40_base, 100 * rate / k40_boost)
        for name, rate in (("paper", paper_rate), ("cudnn", REPORT_GPU_FLOPS))
    }
    return check(
        claim,
        shares["paper"][0],
        verdict=Verdict.DOES_NOT_HOLD,
        ours_text=f"{shares['paper'][0]:.0f} % (AlphaGo, batch 1, K40 base clock)",
        note=(
            f"Measured shares of the K40's FP32 peak ({k40_base / 1e12:.2f} TFLOP/s at base, "
            f"{k40_boost / 1e12:.2f} at boost clock): the paper's 3 ms per policy evaluation is "
            f"{shares['paper'][0]:.0f} % / {shares['paper'][1]:.0f} %; the report's own cuDNN "
            f"figure, 1.2 TFLOP/s (one 2014 measurement), {shares['cudnn'][0]:.0f} % / "
            f"{shares['cudnn'][1]:.0f} %. So 80 % does not hold for what the report uses it "
            "on, AlphaGo's one-position evaluations. It does not show that deep learning "
            "cannot run near peak: large matrix products do (chapter 4)"
        ),
    )


@audits("ch6.k40-40-evaluations")
def _k40_rate_finding(claim: Claim) -> Finding:
    ours, report = _budgets()
    p_flops, _ = _policy_and_value_flops()
    return check(
        claim,
        ours.evaluations_per_gpu_second,
        note=(
            f"1.2 TFLOP/s ÷ {p_flops / 1e9:.2f} GFLOP; the report's 1.2 T ÷ 30 G = "
            f"{report.evaluations_per_gpu_second:.0f}. Sanity check: the paper's 3 ms per "
            f"policy evaluation is {_paper_rate():.0f} per second per GPU"
        ),
    )


def _gpus() -> int:
    """The GPUs of distributed AlphaGo, from the paper's table."""
    return int(paper_fact("distributed_gpus"))


@audits("ch6.gpus-176")
def _gpus_finding(claim: Claim) -> Finding:
    return check(
        claim,
        paper_fact("distributed_gpus"),
        note=(
            f"distributed AlphaGo: {paper_fact('distributed_cpus'):,.0f} CPUs, {_gpus()} GPUs, the "
            "version that played Fan Hui"
        ),
    )


@audits("ch6.7040-evaluations-per-s")
def _evaluations_finding(claim: Claim) -> Finding:
    ours, report = _budgets()
    return check(
        claim,
        ours.evaluations_per_second,
        note=(
            f"{_gpus()} × {ours.evaluations_per_gpu_second:.0f}; the report's chain gives "
            f"{report.evaluations_per_second:,.0f} (it holds only with 30 GFLOP)"
        ),
    )


@audits("ch6.3520-positions-per-s")
def _positions_rate_finding(claim: Claim) -> Finding:
    ours, report = _budgets()
    return check(
        claim,
        ours.positions_per_second,
        note=(
            f"one policy + one value evaluation ({_position_flops() / 1e9:.2f} GFLOP) per "
            f"position; these are positions evaluated, not moves played; report's chain "
            f"{report.positions_per_second:,.0f}"
        ),
    )


@audits("ch6.100k-positions-in-30s")
def _positions_finding(claim: Claim) -> Finding:
    ours, report = _budgets()
    return check(
        claim,
        ours.positions,
        note=(
            f"30 s × {ours.positions_per_second:,.0f}/s at the report's 1.2 TFLOP/s per GPU; "
            f"the report's chain gives {report.positions:,.0f}; the paper's 3 ms per policy "
            f"evaluation would allow {_gpus() * _paper_rate() * 30 / 2:,.0f}"
        ),
    )


@audits("ch6.6-pflop-in-30s")
def _search_flops_finding(claim: Claim) -> Finding:
    ours, report = _budgets()
    return check(
        claim,
        search_flops(REPORT_POSITIONS, _position_flops()) / 1e15,
        note=(
            f"100,000 positions × {_position_flops() / 1e9:.2f} GFLOP; 200,000 × 30 G gives "
            f"the report's 6. {_gpus()} GPUs × 1.2 TFLOP/s × 30 s = "
            f"{report.flops / 1e15:.2f} PFLOP "
            "is the GPUs' whole 30-s budget, which at our count is "
            f"{ours.positions / 1e6:.2f} million positions"
        ),
    )


@audits("ch6.pc-6-pflop-80-minutes")
def _pc_minutes_finding(claim: Claim) -> Finding:
    pc = report_pc_flops()
    minutes = seconds_on(6e15, pc) / 60
    return check(
        claim,
        minutes,
        verdict=Verdict.MISLEADING,
        note=(
            f"the arithmetic holds: 6 PFLOP ÷ (80 % × {pc / 1e12:.3f} TFLOP/s) = "
            f"{minutes:.1f} min; but the 'ordinary PC' is the report's "
            "22-core Xeon E5-2699 v4 server CPU at its FP32 peak"
        ),
    )


@audits("ch6.pc-160x-alphago")
def _pc_ratio_finding(claim: Claim) -> Finding:
    pc = report_pc_flops()
    k40_fp64 = paper_fact("k40_fp64_base_tflops")
    byoyomi = paper_fact("byoyomi_seconds")
    minutes = claims.get("ch6.pc-6-pflop-80-minutes").reported  # the report's 80 minutes
    assert minutes is not None
    return check(
        claim,
        paper_fact("distributed_gpus") * REPORT_GPU_FLOPS / (REPORT_EFFICIENCY * pc),
        note=(
            f"{_gpus()} K40s at the report's 1.2 TFLOP/s over the Xeon at 80 % of FP32 peak. The "
            f"report's own numbers give 160 directly: {minutes:.0f} min ÷ {byoyomi:.0f} s = "
            f"{minutes * 60 / byoyomi:.0f}. The K40's FP64 peak would give "
            f"{_gpus() * k40_fp64 * 1e12 / pc:.0f}× ({_gpus()} × 0.8 × {k40_fp64} T ÷ 0.8 × "
            f"{pc / 1e12:.2f} T), a precision the networks do not use"
        ),
    )


@audits("ch6.search-on-pc-80-minutes")
def _search_on_pc_finding(claim: Claim) -> Finding:
    _, report = _budgets()
    minutes = seconds_on(report.flops, report_pc_flops()) / 60
    return check(
        claim,
        minutes,
        note=(
            f"What AlphaGo's {_gpus()} GPUs do in 30 s ({report.flops / 1e15:.2f} PFLOP at the "
            f"report's 1.2 TFLOP/s each) on the report's 'PC' at 80 % of its FP32 peak. The "
            "'100,000 moves' are judged once, in ch6.100k-positions-in-30s (the GPUs' "
            "30 s cover about ten times as many), and the server CPU called a PC in "
            "ch6.pc-6-pflop-80-minutes"
        ),
    )


@audits("ch6.largest-1920-cpus-280-gpus")
def _largest_finding(claim: Claim) -> Finding:
    return check(
        claim,
        paper_fact("largest_gpus"),
        note=(
            f"largest configuration in the paper: {paper_fact('largest_cpus'):,.0f} CPUs and "
            "280 GPUs (64 search threads); the paper does not say 'cores'"
        ),
    )


# <표 2-2>: the game AIs against the TOP500 lists of their day.


def _deep_blue() -> pd.Series:
    return top500_entry("1997-06", 259)


def _watson() -> pd.Series:
    return top500_entry("2011-06", 192)


def _alphago_rank() -> int:
    """The rank an HPL Rmax of 300 TFLOP/s would have had in November 2015."""
    return rank_for(300e3, "2015-11")


_FLOPS_UNITS = {"GFLOP/s": 1.0, "TFLOP/s": 1e3}  # in GFLOP/s, the TOP500 table's unit


def _rank_finding(
    claim: Claim, rank: int, list_month: str, rmax_claimed: str, unit: str, note: str
) -> Finding:
    """A rank judged as a rank: exact, or the report's FLOP/s figure could have earned it.

    A rank is a position, so a relative tolerance on it means nothing (10 places are a large
    gap at the top of a list and a small one at its tail). The claim holds when our rank is
    the report's; it roughly holds when the report's rank had an Rmax that the report's own
    FLOP/s figure, ``rmax_claimed`` in ``unit`` ("300", "TFLOP/s" for about 300 TFLOP/s),
    reaches within its printed rounding (half a unit of its last significant digit: 11.38 is
    11.375-11.385; "about 300" is 250-350, trailing zeros not being significant); otherwise it
    does not hold.
    """
    assert claim.reported is not None
    reported = int(claim.reported)
    at_reported = float(top500_entry(list_month, reported)["rmax_gflops"]) / _FLOPS_UNITS[unit]
    value = float(rmax_claimed)
    if "." in rmax_claimed:
        half_unit = 0.5 * 10.0 ** -len(rmax_claimed.split(".")[1])
    else:
        half_unit = 0.5 * 10.0 ** (len(rmax_claimed) - len(rmax_claimed.rstrip("0")))
    if rank == reported:
        verdict = Verdict.HOLDS
    elif abs(at_reported - value) <= half_unit:
        verdict = Verdict.ROUGHLY
    else:
        verdict = Verdict.DOES_NOT_HOLD
    return check(
        claim,
        float(rank),
        verdict=verdict,
        ours_text=f"rank {rank}",
        note=f"{note}; rank {reported} had an Rmax of {at_reported:,.4g} {unit} (the "
        f"report's {value:g} {unit}, read to its printed precision, is "
        f"{value - half_unit:.6g}-{value + half_unit:.6g})",
    )


@audits("ch6.deep-blue-rank-259")
def _deep_blue_rank_finding(claim: Claim) -> Finding:
    deep_blue = _deep_blue()
    return _rank_finding(
        claim,
        int(deep_blue["rank"]),
        "1997-06",
        "11.38",
        "GFLOP/s",
        f"'{deep_blue['computer']}' at '{deep_blue['site']}', {int(deep_blue['cores'])} "
        "processors (the report says 30 nodes; it means 120 MHz, not 120 Hz)",
    )


@audits("ch6.deep-blue-11.38-gflops")
def _deep_blue_flops_finding(claim: Claim) -> Finding:
    deep_blue = _deep_blue()
    return check(
        claim,
        float(deep_blue["rmax_gflops"]),
        note=(
            f"HPL Rmax of the SP host (Rpeak {deep_blue['rpeak_gflops']:g}); the 480 chess chips "
            "do no floating-point arithmetic, so FLOP/s do not measure Deep Blue's search. "
            f"The report's 'POWER2SC (120Hz)' means 120 MHz (the list: '{deep_blue['computer']}')"
        ),
    )


def _clock_ghz(text: str) -> float:
    """The clock a system description states, e.g. 3.86 from "Power7 3.86 GHz"."""
    match = re.search(r"(\d+(?:\.\d+)?)\s*GHz", text)
    if match is None:
        raise ValueError(f"no clock in GHz in {text!r}")
    return float(match.group(1))


@audits("ch6.watson-rank-192")
def _watson_rank_finding(claim: Claim) -> Finding:
    watson = _watson()
    listed_ghz = _clock_ghz(watson["computer"])
    described_ghz = _clock_ghz(claims.get("ch6.watson-80-tflops").korean)
    return check(
        claim,
        float(watson["rank"]),
        verdict=Verdict.UNCHECKABLE,
        ours_text=f"rank {watson['rank']} is an IBM Power 750 cluster, not named Watson",
        note=(
            f"Known: rank {watson['rank']} of June 2011 is '{watson['computer']}' at "
            f"{watson['site']}, {int(watson['cores']):,} cores, Rpeak "
            f"{watson['rpeak_gflops'] / 1e3:.1f} TFLOP/s. Inferred, not known: that this is "
            f"Watson. The list never names Watson, and the report's own Watson runs at "
            f"{described_ghz} GHz, not {listed_ghz} GHz, so the listed cluster is at best a "
            "sibling of the Jeopardy! system, of the same family and site and of similar size"
        ),
    )


@audits("ch6.watson-80-tflops")
def _watson_flops_finding(claim: Claim) -> Finding:
    watson = _watson()
    return check(
        claim,
        float(watson["rmax_gflops"]) / 1e3,
        verdict=Verdict.MISLEADING,
        note=(
            f"80 TFLOPS is the Rpeak ({watson['rpeak_gflops'] / 1e3:.2f} T); the rank is by "
            f"Rmax, {watson['rmax_gflops'] / 1e3:.2f} T. An Rmax of 80 T would have ranked "
            f"{rank_for(80e3, '2011-06')}"
        ),
    )


@audits("ch6.alphago-300-tflops")
def _alphago_flops_finding(claim: Claim) -> Finding:
    fp64_k40 = paper_fact("k40_fp64_base_tflops")
    gpu_peak = paper_fact("largest_gpus") * fp64_k40
    return check(
        claim,
        None,
        verdict=Verdict.UNCHECKABLE,
        ours_text=f"≤ {gpu_peak:.0f} TFLOP/s FP64 GPU peak if the GPUs were K40s",
        note=(
            "the report itself says it cannot be measured (footnote 9); AlphaGo never ran "
            "HPL and the paper does not name its GPUs. 280 × the K40's "
            f"{fp64_k40} TFLOP/s FP64 base peak = {gpu_peak:.0f} T"
        ),
    )


@audits("ch6.alphago-rank-382")
def _alphago_rank_finding(claim: Claim) -> Finding:
    return _rank_finding(
        claim,
        _alphago_rank(),
        "2015-11",
        "300",
        "TFLOP/s",
        f"an Rmax of 300 TFLOP/s would have ranked {_alphago_rank()} in November 2015",
    )


@audits("ch6.game-ai-ranks-200-300")
def _game_ai_ranks_finding(claim: Claim) -> Finding:
    ranks = [int(_deep_blue()["rank"]), int(_watson()["rank"]), _alphago_rank()]
    return check(
        claim,
        None,
        verdict=Verdict.ROUGHLY,
        ours_text=f"ranks {ranks[0]}, {ranks[1]}, {ranks[2]}",
        note=(
            "the ranks are roughly right, but they compare unlike things: FP64 HPL Rmax "
            "(Deep Blue's host, Watson's Rpeak, an estimate for AlphaGo) against search "
            "hardware whose work (chess chips, FP32 networks) is not HPL"
        ),
    )


def audit() -> list[Finding]:
    """Every chapter-6 claim, recomputed from the layer lists, the curated paper facts, the
    datasheets and the TOP500 rows (deterministic; no timing)."""
    return audit_chapter(6)
