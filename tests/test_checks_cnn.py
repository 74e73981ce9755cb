"""The hidden checks of 06_cnn, in-process: references right, solution passes, bugs caught."""

import numpy as np
import pytest

from autograder.checks.cases import failures
from autograder.checks import cnn
from autograder.checks.cnn import CHECKS, LAYERS, ref_init_params, ref_model_loss_and_grads
from autograder.checks.in_notebook import verify
from autograder.building.submissions import variant_sources
from course.gradcheck import numerical_gradient, rel_error

from helpers import corpus, namespace_with

ASSIGNMENT = "06_cnn"
FAST = [name for name in CHECKS if name != "train"]


def namespace(variant=None):
    """The solution cells (a variant's replacing theirs) with the reference layers and evaluate."""
    found, _ = namespace_with(ASSIGNMENT, variant)
    found.update(LAYERS)
    found["evaluate"] = cnn.ref_evaluate
    return found


def test_reference_model_matches_a_numerical_gradient():
    rng = np.random.default_rng(0)
    params = ref_init_params(2, filters=2, channels=2, image_size=4, classes=3)
    params["b1"] = 0.1 * rng.standard_normal(2)
    x, y = rng.random((3, 2, 4, 4)), np.array([0, 2, 1])
    _, grads = ref_model_loss_and_grads(params, x, y)
    for key in params:
        numeric = numerical_gradient(
            lambda v, key=key: ref_model_loss_and_grads({**params, key: v}, x, y)[0], params[key], 1.0)
        assert rel_error(grads[key], numeric) < 1e-6, key


def test_reference_layers_match_the_loop_references_of_earlier_assignments():
    from autograder.checks import convolution, pooling
    rng = np.random.default_rng(1)
    x, w, b = rng.standard_normal((2, 3, 6, 5)), rng.standard_normal((4, 3, 3, 3)), rng.standard_normal(4)
    out = LAYERS["conv_forward"](x, w, b, 1, 1)
    np.testing.assert_allclose(out, convolution.ref_conv_forward(x, w, b, 1, 1))
    dout = rng.standard_normal(out.shape)
    for ours, theirs in zip(LAYERS["conv_backward"](dout, x, w, 1, 1),
                            convolution.ref_conv_backward(dout, x, w, 1, 1)):
        np.testing.assert_allclose(ours, theirs)
    r = np.maximum(rng.standard_normal((2, 3, 6, 8)), 0)  # ties at 0
    np.testing.assert_allclose(LAYERS["maxpool_forward"](r), pooling.ref_maxpool_forward(r))
    d = rng.standard_normal((2, 3, 3, 4))
    np.testing.assert_allclose(LAYERS["maxpool_backward"](d, r), pooling.ref_maxpool_backward(d, r))


def test_reference_model_matches_torch():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(2)
    params = ref_init_params(3, filters=4, classes=5)
    x, y = rng.random((6, 1, 8, 8)), rng.integers(0, 5, 6)
    loss, grads = ref_model_loss_and_grads(params, x, y)
    t = {k: torch.tensor(v, requires_grad=True) for k, v in params.items()}
    h = torch.nn.functional.conv2d(torch.tensor(x), t["w1"], t["b1"], padding=1)
    h = torch.nn.functional.max_pool2d(torch.relu(h), 2).flatten(1)
    tloss = torch.nn.functional.cross_entropy(h @ t["w2"] + t["b2"], torch.tensor(y))
    tloss.backward()
    assert np.isclose(loss, tloss.item())
    for key in params:
        np.testing.assert_allclose(grads[key], t[key].grad.numpy(), rtol=1e-6, atol=1e-10)


@pytest.mark.parametrize("name", sorted(CHECKS))
def test_the_solution_passes_every_hidden_case(name):
    found = namespace()
    assert failures(CHECKS[name], found[name]) == []


@pytest.mark.parametrize("variant", corpus(ASSIGNMENT, "bug"), ids=lambda p: p.stem)
def test_each_bug_fails_a_hidden_case(variant):
    found = namespace(variant)
    changed = [name for name in variant_sources(variant) if name in CHECKS]
    assert changed, f"{variant.name} replaces no graded function"
    groups = {"train": ["loop"]}  # the accuracy run is slow; the loop checks catch these bugs
    assert any(failures(CHECKS[name], found[name], group)
               for name in changed for group in groups.get(name, [None]))


@pytest.mark.parametrize("variant", corpus(ASSIGNMENT, "alt"), ids=lambda p: p.stem)
def test_each_alternative_passes(variant):
    found = namespace(variant)
    for name in variant_sources(variant):
        if name in CHECKS:
            group = "loop" if name == "train" else None
            assert failures(CHECKS[name], found[name], group) == [], name


@pytest.mark.parametrize("name,group", [("model_forward", None), ("model_loss_and_grads", "values"),
                                        ("sgd_momentum_update", "values"), ("train", "loop")])
def test_stub_like_answers_get_words(name, group):
    with pytest.raises(AssertionError) as error:
        verify(name, lambda *a, **k: None, group)
    assert "returned None" in str(error.value) and "hidden cases failed" in str(error.value)


def test_unimplemented_stub_says_so():
    def stub(*args, **kwargs):
        raise NotImplementedError()
    with pytest.raises(AssertionError, match="not implemented yet"):
        verify("model_loss_and_grads", stub, "gradient")


def test_accumulating_gradients_are_named():
    found = namespace(corpus(ASSIGNMENT, "bug")[0].parent / "bug_grads_accumulate.py")
    messages = failures(CHECKS["model_loss_and_grads"], found["model_loss_and_grads"], "steps")
    assert any("second (identical) call" in m for m in messages)


def test_wrong_sign_is_named():
    found = namespace(corpus(ASSIGNMENT, "bug")[0].parent / "bug_update_wrong_sign.py")
    messages = failures(CHECKS["sgd_momentum_update"], found["sgd_momentum_update"], "descent")
    assert messages and all("the loss went from" in m for m in messages)


def test_zero_returning_model_gets_the_all_zeros_words():
    with pytest.raises(AssertionError, match="all zeros"):
        verify("model_loss_and_grads",
               lambda p, x, y: (ref_model_loss_and_grads(p, x, y)[0],
                                {k: np.zeros_like(v) for k, v in p.items()}), "gradient")
