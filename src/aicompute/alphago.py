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
from dataclasses import dataclass

import pandas as pd

from aicompute import data, hardware
from aicompute.claims import Claim, Finding, Verdict, check, register
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
    "evaluation_rate",
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
    layers: dict[str, Layer] = {"conv1": _conv(planes, filters, 5, batch)}
    for index in range(2, 13):
        layers[f"conv{index}"] = _conv(filters, filters, 3, batch)
    layers["conv13"] = _conv(filters, 1, 1, batch)
    return layers


def value_layers(
    filters: int = FILTERS, *, planes: int = VALUE_PLANES, batch: int = 1
) -> dict[str, Layer]:
    """The value network: 13 convolutions (layer 12 assumed 3 x 3), then 361 -> 256 -> 1."""
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
    torch.manual_seed(seed)
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
    torch.manual_seed(seed)
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
    if not rmax_gflops > 0:
        raise ValueError(f"rmax_gflops must be positive, got {rmax_gflops}")
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
    if not positions > 0 or not flops_per_position > 0:
        raise ValueError("positions and flops_per_position must be positive")
    return positions * flops_per_position


def seconds_on(flops: float, peak_flops: float, efficiency: float = REPORT_EFFICIENCY) -> float:
    """Seconds to perform ``flops`` on a processor of ``peak_flops`` running at ``efficiency``."""
    if not flops >= 0:
        raise ValueError(f"flops must be non-negative, got {flops}")
    if not peak_flops > 0:
        raise ValueError(f"peak_flops must be positive, got {peak_flops}")
    if not 0 < efficiency <= 1:
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
# The claims (제2장 제4절 and its box, footnotes 7, 8, 14-19, <표 2-2>, 제1장 3).

_BOX = "제2장 제4절, box 'AlphaGo의 계산량 분석'"


def _claim(id_, source, korean, english, reported, unit="", rel_tol=0.05, rough_tol=0.25):
    return register(
        Claim(
            id=id_,
            chapter=6,
            source=source,
            korean=korean,
            english=english,
            reported=reported,
            unit=unit,
            rel_tol=rel_tol,
            rough_tol=rough_tol,
        )
    )


PLANES_48 = _claim(
    "ch6.input-48-planes",
    "제2장 제4절",
    "AlphaGo에서 활용한 특징 맵은 총 48가지이다",
    "AlphaGo uses 48 feature maps in all",
    48,
    "planes",
)
LAYERS_13 = _claim(
    "ch6.thirteen-layers",
    "제2장 제4절",
    "AlphaGo의 합성곱신경망은 13층을 활용했다",
    "AlphaGo's convolutional network has 13 layers",
    13,
    "layers",
)
LAYERS_2_TO_13 = _claim(
    "ch6.layers-2-to-13-3x3",
    _BOX,
    "두 번째에서 열 세 번째 합성곱 층은 192개의 19×19의 정보가 입력 값이고 필터의 크기와 "
    "개수는 각 각 3×3과 192개",
    "the second to thirteenth convolution layers take 192 planes of 19×19 and have 192 "
    "filters of 3×3",
    12,
    "3×3 layers",
)
SL_POSITIONS = _claim(
    "ch6.sl-29.4m-positions",
    "제2장 제4절",
    "16만 개의 바둑 기보에서 2,940만 개의 바둑판 상태를 추출하여 학습에 활용했다",
    "it trained on 29.4 million positions taken from 160,000 game records",
    29.4e6,
    "positions",
)
VALUE_POSITIONS = _claim(
    "ch6.value-30m-positions",
    "제2장 제4절",
    "가치망을 학습하기 위해 자체 대국으로 생성된 3,000만 개의 바둑 판 상태를 활용했다",
    "the value network was trained on 30 million positions from self-play",
    30e6,
    "positions",
)
PRO_GAMES = _claim(
    "ch6.pro-games-one-month",
    "제2장 제4절",
    "AlphaGo는 16만 개의 프로바둑기사의 기보를 한 달 간 학습했다",
    "AlphaGo studied 160,000 games of professional players for a month",
    160_000,
    "games",
)
FOOTNOTE_14 = _claim(
    "ch6.conv1-4.159-gflop",
    f"{_BOX}, 각주 14",
    "48개의 19×19 입력 값에 192개의 5×5 필터와 합성(Convolution) 하는데 필요한 계산량은 약 "
    "4.159 GFLOP (19×19 바둑판 * 48개 특징맵 * 5×5 필터 * 25 덧셈 * 192개 필터 * 2개 연산 "
    "(활성함수 계산))",
    "convolving the 48 19×19 inputs with 192 5×5 filters takes about 4.159 GFLOP "
    "(19×19 board × 48 planes × 5×5 filter × 25 additions × 192 filters × 2 operations "
    "(activation))",
    4.159,
    "GFLOP",
)
FOOTNOTE_15 = _claim(
    "ch6.conv2-12-23.715-gflop",
    f"{_BOX}, 각주 15",
    "첫 번째 합성곱 층과 동일하게 계산할 경우 총 23.715 GFLOP (19×19 바둑판 * 192개 특징맵 "
    "* 3×3 필터 * 9 덧셈 * 192개 필터 * 2개 연산 (활성함수 계산) * 11층)",
    "computed as for the first layer, 23.715 GFLOP in all (19×19 × 192 planes × 3×3 filter "
    "× 9 additions × 192 filters × 2 (activation) × 11 layers)",
    23.715,
    "GFLOP",
)
FOOTNOTE_16 = _claim(
    "ch6.conv-27.874-gflop",
    f"{_BOX}, 각주 16",
    "콘볼루션 층만을 계산할 때는 이론적으로 27.874 Gflop이 필요",
    "the convolution layers alone need 27.874 GFLOP in theory",
    27.874,
    "GFLOP",
)
EVALUATION_30 = _claim(
    "ch6.evaluation-30-gflop",
    "제2장 제4절 (text and box), 각주 16",
    "AlphaGo의 인공신경망은 한 번 계산하는데 30 GFLOP의 연산량을 필요로 한다 … 활성 함수의 "
    "계산, fully connected layer등을 고려해 볼 때 도합 약 30 Gflop이 필요함",
    "one evaluation of AlphaGo's network takes 30 GFLOP … counting activations and fully "
    "connected layers, about 30 GFLOP in all",
    30.0,
    "GFLOP",
)
EFFICIENCY_80 = _claim(
    "ch6.eighty-percent-of-peak",
    "제2장 제4절, 각주 8",
    "계산자원의 성능은 이론성능의 80%로 계산했으며 … 심층학습은 연산강도가 높은 알고리즘으로 "
    "구성되기 때문에 이론성능에 가까운 성능을 보임",
    "processors are taken at 80% of their theoretical performance … deep learning has high "
    "arithmetic intensity, so it runs close to the theoretical performance",
    80.0,
    "%",
)
K40_40_PER_S = _claim(
    "ch6.k40-40-evaluations",
    f"{_BOX}, 각주 17",
    "K40의 cuDNN 실측 성능은 약 1.2 TFLOPS로 초당 약 40번의 콘볼루션 신경망 계산 가능",
    "a K40 measured at about 1.2 TFLOPS with cuDNN can evaluate the network about 40 times "
    "per second",
    40.0,
    "evaluations/s",
)
GPUS_176 = _claim(
    "ch6.gpus-176",
    "제2장 제4절; 각주 19",
    "AlphaGo의 컴퓨팅 환경은 GPU 176개를 활용했다고 가정한다 (판후이 2단과의 대국 당시 사용된 "
    "분산 AlphaGo의 GPU 개수)",
    "AlphaGo's system is assumed to use 176 GPUs (the distributed AlphaGo of the Fan Hui match)",
    176,
    "GPUs",
)
EVALS_7040 = _claim(
    "ch6.7040-evaluations-per-s",
    _BOX,
    "176개의 GPU를 활용하면 초당 7,040번의 합성곱신경망의 계산이 가능",
    "176 GPUs can evaluate the network 7,040 times per second",
    7040,
    "evaluations/s",
)
MOVES_3520 = _claim(
    "ch6.3520-positions-per-s",
    _BOX,
    "정책/가치 네트워크를 모두 계산해야 하므로 초당 3,520번의 착수를 계산할 수 있음",
    "since both the policy and the value network must be evaluated, 3,520 moves per second",
    3520,
    "positions/s",
)
POSITIONS_100K = _claim(
    "ch6.100k-positions-in-30s",
    f"{_BOX}; 제2장 제4절; 제1장 3",
    "30초의 초읽기가 주어진다면, 176개의 GPU를 활용하여 약 100,000개의 바둑판 상태에 대하여 "
    "착수 확률분포와 승산을 계산할 수 있음",
    "with a 30 s byoyomi, 176 GPUs evaluate move probabilities and win chances for about "
    "100,000 positions",
    100_000,
    "positions",
)
PFLOP_6 = _claim(
    "ch6.6-pflop-in-30s",
    "제2장 제4절, 각주 7",
    "약 10만 개의 경우의 수를 탐색하기 때문에, 30초 동안 계산해야하는 연산수는 6 PFLOP … 10만 "
    "개의 경우의 수를 탐색하기 위해 필요한 심층학습 연산은 20만 번으로 6PFLOP이 필요함",
    "searching about 100,000 positions, the work in 30 s is 6 PFLOP … 200,000 network "
    "evaluations for 100,000 positions need 6 PFLOP",
    6.0,
    "PFLOP",
)
PC_80_MIN = _claim(
    "ch6.pc-6-pflop-80-minutes",
    "제2장 제4절, [그림 2-7]",
    "일반적인 PC에서 6 PFLOP을 처리하기 위해 필요한 시간은 약 80분",
    "an ordinary PC needs about 80 minutes to process 6 PFLOP",
    80.0,
    "minutes",
)
RATIO_160 = _claim(
    "ch6.pc-160x-alphago",
    "제2장 제4절, [그림 2-7]",
    "AlphaGo 시스템에 비해 약 160배나 많은 시간이 소요된다",
    "about 160 times as long as the AlphaGo system",
    160.0,
    "×",
)
INTRO_80_MIN = _claim(
    "ch6.search-on-pc-80-minutes",
    "제1장 3",
    "알파고는 30초의 초읽기 시간 동안 약 10만 수를 예측하고 착수를 결정한다. 이것을 일반 "
    "PC에서 처리하기 위해서는 약 80분이 필요",
    "AlphaGo predicts about 100,000 moves in the 30 s byoyomi before it plays; an ordinary PC "
    "would need about 80 minutes for this",
    80.0,
    "minutes",
)
LARGEST = _claim(
    "ch6.largest-1920-cpus-280-gpus",
    "제1장 3; <표 2-2>",
    "알파고의 초기버전은 최대 1,920개의 CPU와 280장의 GPU를 활용한 결과였다",
    "the early AlphaGo used up to 1,920 CPUs and 280 GPUs",
    280,
    "GPUs",
)
DEEP_BLUE_RANK = _claim(
    "ch6.deep-blue-rank-259",
    "<표 2-2>",
    "IBM Deep Blue … top500 순위 259위 (1997 6월)",
    "IBM Deep Blue: TOP500 rank 259 (June 1997)",
    259,
    "rank",
    rel_tol=0.0,
    rough_tol=0.05,
)
DEEP_BLUE_FLOPS = _claim(
    "ch6.deep-blue-11.38-gflops",
    "<표 2-2>",
    "IBM Deep Blue … 30 노드 POWER2SC (120Hz), VLSI 체스칩 480개 … 연산성능 11.38 GFLOPS",
    "IBM Deep Blue: 30 nodes of POWER2SC (120 Hz [sic]) and 480 VLSI chess chips; "
    "performance 11.38 GFLOPS",
    11.38,
    "GFLOP/s",
)
WATSON_RANK = _claim(
    "ch6.watson-rank-192",
    "<표 2-2>",
    "IBM Watson … top500 순위 192위 (2011 6월)",
    "IBM Watson: TOP500 rank 192 (June 2011)",
    192,
    "rank",
    rel_tol=0.0,
    rough_tol=0.05,
)
WATSON_FLOPS = _claim(
    "ch6.watson-80-tflops",
    "<표 2-2>",
    "IBM Watson … 90 노드 POWER7(3.5GHz, 8코어, 32쓰레드) … 연산성능 80 TFLOPS",
    "IBM Watson: 90 nodes of POWER7 (3.5 GHz, 8 cores, 32 threads); performance 80 TFLOPS",
    80.0,
    "TFLOP/s",
)
ALPHAGO_FLOPS = _claim(
    "ch6.alphago-300-tflops",
    "<표 2-2>, 각주 9",
    "Google AlphaGo … 약 35~40노드, CPU 1,920 코어, GPU 280 장 … 연산성능 약 300 TFLOPS",
    "Google AlphaGo: about 35-40 nodes, 1,920 CPU cores, 280 GPUs; about 300 TFLOPS",
    300.0,
    "TFLOP/s",
)
ALPHAGO_RANK = _claim(
    "ch6.alphago-rank-382",
    "<표 2-2>; 제1장 3",
    "382위 수준 (2015년 11월) … 당시 약 380위 정도에 해당하는 슈퍼컴퓨터에 달한다",
    "about rank 382 (November 2015) … equivalent to a supercomputer of about rank 380 at the time",
    382,
    "rank",
)
RANKS_200_300 = _claim(
    "ch6.game-ai-ranks-200-300",
    "제2장 제4절, <표 2-2>",
    "인간과 대결해 승리한 게임 인공지능의 컴퓨팅 환경을 살펴보면 <표 2-2>와 같이 약 2~300위 "
    "수준의 슈퍼컴퓨터가 활용됐다",
    "the game AIs that beat humans used supercomputers ranked about 200-300",
    None,
)


def audit() -> list[Finding]:
    """Every chapter-6 claim, recomputed from the layer lists, the curated paper facts, the
    datasheets and the TOP500 rows (deterministic; no timing)."""
    policy = policy_layers()
    value = value_layers()
    p_flops, v_flops = network_flops(policy), network_flops(value)
    conv1 = network_flops({"conv1": policy["conv1"]})
    hidden = sum(network_flops({n: policy[n]}) for n in [f"conv{i}" for i in range(2, 13)])
    conv_total = p_flops  # the policy network is convolutions only
    report14 = report_conv_flops(POLICY_PLANES, 5, FILTERS)
    report15 = report_conv_flops(FILTERS, 3, FILTERS, layers=11)
    extra_policy = elementwise_flops(policy, softmax=True)
    k40_fp32_base, _, _ = k40_balance()
    ours, report = our_budget(), report_budget()
    pc = report_pc_flops()
    paper_rate = 1 / paper_fact("policy_net_seconds")
    measured_share = 100 * REPORT_GPU_FLOPS / k40_fp32_base
    fc_flops = sum(layer.flops for layer in value.values() if isinstance(layer, LinearShape))
    hidden_3x3 = sum(
        1 for layer in policy.values() if isinstance(layer, ConvShape) and layer.kernel == 3
    )

    findings = [
        check(
            PLANES_48,
            POLICY_PLANES,
            note=(
                f"policy network; the value network adds a 49th plane (colour to play): "
                f"{VALUE_PLANES}"
            ),
        ),
        check(
            LAYERS_13,
            len(policy),
            note=(
                "the policy network: 1 layer 5×5, 11 layers 3×3, 1 layer 1×1; the value network "
                f"has 13 convolutions plus 2 fully connected layers ({len(value)})"
            ),
        ),
        check(
            LAYERS_2_TO_13,
            hidden_3x3,
            verdict=Verdict.ROUGHLY,
            note=(
                "layers 2-12 are 3×3 with 192 filters (11 layers, as footnote 15 multiplies); "
                "layer 13 is one 1×1 filter with a bias per point, not a 3×3 layer"
            ),
        ),
        check(
            SL_POSITIONS,
            paper_fact("sl_training_positions"),
            note=(f"{paper_fact('sl_training_games'):,.0f} KGS games; Silver et al. 2016"),
        ),
        check(
            VALUE_POSITIONS,
            paper_fact("value_training_positions"),
            note=("distinct positions, each from a separate self-play game"),
        ),
        check(
            PRO_GAMES,
            paper_fact("sl_training_games"),
            verdict=Verdict.MISLEADING,
            note=(
                "160,000 games, but from the KGS server: strong amateurs (6-9 dan), not "
                f"professionals; training took about {paper_fact('sl_training_weeks'):.0f} "
                "weeks on 50 GPUs"
            ),
        ),
        check(
            FOOTNOTE_14,
            conv1 / 1e9,
            note=(
                f"2 × 361 × 192 × 48 × 25 = {conv1 / 1e6:.1f} MFLOP; the report's formula gives "
                f"{report14 / 1e9:.3f} G: it counts the 25 filter taps twice (× 25 'additions') and "
                "calls the factor 2 of multiply-and-add the activation; ours is 1/25 of it"
            ),
        ),
        check(
            FOOTNOTE_15,
            hidden / 1e9,
            note=(
                f"11 × 2 × 361 × 192 × 192 × 9 = {hidden / 1e9:.3f} GFLOP; the report's formula "
                f"gives {report15 / 1e9:.3f} G (the 9 taps counted twice, so 9× too much)"
            ),
        ),
        check(
            FOOTNOTE_16,
            conv_total / 1e9,
            note=(
                f"all 13 policy convolutions, incl. the 1×1 layer; the report's 27.874 is "
                f"{27.874e9 / conv_total:.1f}× ours; FlopCounterMode agrees with our count"
            ),
        ),
        check(
            EVALUATION_30,
            p_flops / 1e9,
            note=(
                f"policy {p_flops / 1e9:.3f}, value {v_flops / 1e9:.3f} GFLOP; biases, ReLUs and "
                f"softmax add {extra_policy / 1e6:.1f} MFLOP ({100 * extra_policy / p_flops:.2f} %) "
                f"and the value network's fully connected layers {fc_flops / 1e6:.2f} MFLOP, "
                "not the 2.1 GFLOP the report adds to reach 30"
            ),
        ),
        check(
            EFFICIENCY_80,
            measured_share,
            note=(
                f"the report's own K40 cuDNN measurement, 1.2 TFLOP/s, is {measured_share:.0f} % "
                f"of the K40's FP32 peak ({k40_fp32_base / 1e12:.2f} TFLOP/s at base clock)"
            ),
        ),
        check(
            K40_40_PER_S,
            ours.evaluations_per_gpu_second,
            note=(
                f"1.2 TFLOP/s ÷ {p_flops / 1e9:.2f} GFLOP; the report's 1.2 T ÷ 30 G = "
                f"{report.evaluations_per_gpu_second:.0f}. Sanity check: the paper's 3 ms per "
                f"policy evaluation is {paper_rate:.0f} per second per GPU"
            ),
        ),
        check(
            GPUS_176,
            paper_fact("distributed_gpus"),
            note=(
                f"distributed AlphaGo: {paper_fact('distributed_cpus'):,.0f} CPUs, 176 GPUs, the "
                "version that played Fan Hui"
            ),
        ),
        check(
            EVALS_7040,
            ours.evaluations_per_second,
            note=(
                f"176 × {ours.evaluations_per_gpu_second:.0f}; the report's chain gives "
                f"{report.evaluations_per_second:,.0f} (it holds only with 30 GFLOP)"
            ),
        ),
        check(
            MOVES_3520,
            ours.positions_per_second,
            note=(
                f"one policy + one value evaluation ({(p_flops + v_flops) / 1e9:.2f} GFLOP) per "
                f"position; these are positions evaluated, not moves played; report's chain "
                f"{report.positions_per_second:,.0f}"
            ),
        ),
        check(
            POSITIONS_100K,
            ours.positions,
            note=(
                f"30 s × {ours.positions_per_second:,.0f}/s at the report's 1.2 TFLOP/s per GPU; "
                f"the report's chain gives {report.positions:,.0f}; the paper's 3 ms per policy "
                f"evaluation would allow {176 * paper_rate * 30 / 2:,.0f}"
            ),
        ),
        check(
            PFLOP_6,
            search_flops(REPORT_POSITIONS, p_flops + v_flops) / 1e15,
            note=(
                f"100,000 positions × {(p_flops + v_flops) / 1e9:.2f} GFLOP; 200,000 × 30 G gives "
                f"the report's 6. 176 GPUs × 1.2 TFLOP/s × 30 s = {report.flops / 1e15:.2f} PFLOP "
                "is the GPUs' whole 30-s budget, which at our count is "
                f"{ours.positions / 1e6:.2f} million positions"
            ),
        ),
        check(
            PC_80_MIN,
            seconds_on(6e15, pc) / 60,
            verdict=Verdict.MISLEADING,
            note=(
                f"the arithmetic holds: 6 PFLOP ÷ (80 % × {pc / 1e12:.3f} TFLOP/s) = "
                f"{seconds_on(6e15, pc) / 60:.1f} min; but the 'ordinary PC' is the report's "
                "22-core Xeon E5-2699 v4 server CPU at its FP32 peak"
            ),
        ),
        check(
            RATIO_160,
            paper_fact("distributed_gpus") * REPORT_GPU_FLOPS / (REPORT_EFFICIENCY * pc),
            note=(
                "176 K40s at the report's 1.2 TFLOP/s over the Xeon at 80 % of FP32 peak; "
                "exactly 160× follows from the K40's FP64 peak "
                f"(176 × 0.8 × {paper_fact('k40_fp64_base_tflops')} T ÷ 0.8 × {pc / 1e12:.2f} T = "
                f"{176 * paper_fact('k40_fp64_base_tflops') * 1e12 / pc:.0f}), a precision the "
                "networks do not use"
            ),
        ),
        check(
            INTRO_80_MIN,
            seconds_on(search_flops(REPORT_POSITIONS, p_flops + v_flops), pc) / 60,
            note=(
                f"100,000 positions × {(p_flops + v_flops) / 1e9:.2f} GFLOP on the same CPU at 80 % "
                "of its FP32 peak"
            ),
        ),
        check(
            LARGEST,
            paper_fact("largest_gpus"),
            note=(
                f"largest configuration in the paper: {paper_fact('largest_cpus'):,.0f} CPUs and "
                "280 GPUs (64 search threads); the paper does not say 'cores'"
            ),
        ),
    ]
    findings += _top500_findings()
    return findings


def _top500_findings() -> list[Finding]:
    deep_blue = top500_entry("1997-06", 259)
    watson = top500_entry("2011-06", 192)
    watson_rank_at_80 = rank_for(80e3, "2011-06")
    alphago_rank = rank_for(300e3, "2015-11")
    rank_382 = top500_entry("2015-11", 382)
    fp64_k40 = paper_fact("k40_fp64_base_tflops")
    gpu_peak = paper_fact("largest_gpus") * fp64_k40
    ranks = [int(deep_blue["rank"]), int(watson["rank"]), alphago_rank]
    return [
        check(
            DEEP_BLUE_RANK,
            float(deep_blue["rank"]),
            note=(
                f"'{deep_blue['computer']}' at '{deep_blue['site']}', {deep_blue['cores']} "
                "processors (the report says 30 nodes; 120 MHz, not 120 Hz)"
            ),
        ),
        check(
            DEEP_BLUE_FLOPS,
            float(deep_blue["rmax_gflops"]),
            note=(
                f"HPL Rmax of the SP host (Rpeak {deep_blue['rpeak_gflops']:g}); the 480 chess chips "
                "do no floating-point arithmetic, so FLOP/s do not measure Deep Blue's search"
            ),
        ),
        check(
            WATSON_RANK,
            float(watson["rank"]),
            note=(f"'{watson['computer']}' at {watson['site']}: the list does not name Watson"),
        ),
        check(
            WATSON_FLOPS,
            float(watson["rmax_gflops"]) / 1e3,
            verdict=Verdict.MISLEADING,
            note=(
                f"80 TFLOPS is the Rpeak ({watson['rpeak_gflops'] / 1e3:.2f} T); the rank is by "
                f"Rmax, {watson['rmax_gflops'] / 1e3:.2f} T. An Rmax of 80 T would have ranked "
                f"{watson_rank_at_80}"
            ),
        ),
        check(
            ALPHAGO_FLOPS,
            None,
            verdict=Verdict.UNCHECKABLE,
            ours_text=f"≤ {gpu_peak:.0f} TFLOP/s FP64 GPU peak if the GPUs were K40s",
            note=(
                "the report itself says it cannot be measured (footnote 9); AlphaGo never ran "
                "HPL and the paper does not name its GPUs. 280 × the K40's "
                f"{fp64_k40} TFLOP/s FP64 base peak = {gpu_peak:.0f} T"
            ),
        ),
        check(
            ALPHAGO_RANK,
            float(alphago_rank),
            note=(
                f"an Rmax of 300 TFLOP/s ranked {alphago_rank} in November 2015; rank 382 had "
                f"{rank_382['rmax_gflops'] / 1e3:.1f} T"
            ),
        ),
        check(
            RANKS_200_300,
            None,
            verdict=Verdict.ROUGHLY,
            ours_text=f"ranks {ranks[0]}, {ranks[1]}, {ranks[2]}",
            note=(
                "the ranks are roughly right, but they compare unlike things: FP64 HPL Rmax "
                "(Deep Blue's host, Watson's Rpeak, an estimate for AlphaGo) against search "
                "hardware whose work (chess chips, FP32 networks) is not HPL"
            ),
        ),
    ]
