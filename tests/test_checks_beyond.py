"""The hidden checks of 07_beyond, in-process: the references agree with PyTorch's Adam,
BatchNorm2d and autograd (the corpus runs in test_checks_corpus.py)."""

import numpy as np
import pytest

from autograder.checks.beyond import CHECKS, ref_adam_step, ref_batchnorm_backward
from autograder.checks.cases import expected_output
from autograder.references.callees.beyond import ref_batchnorm_forward

torch = pytest.importorskip("torch")


def test_reference_adam_matches_torch_over_several_steps():
    rng = np.random.default_rng(0)
    param = rng.standard_normal((3, 4))
    tensor = torch.tensor(param.copy(), requires_grad=True)
    optimizer = torch.optim.Adam([tensor], lr=0.01, betas=(0.8, 0.99), eps=1e-6)
    m, v = np.zeros_like(param), np.zeros_like(param)
    for t in range(1, 8):
        grad = rng.standard_normal(param.shape)
        tensor.grad = torch.tensor(grad)
        optimizer.step()
        param, m, v = ref_adam_step(param, grad, m, v, t, lr=0.01, beta1=0.8, beta2=0.99, eps=1e-6)
        np.testing.assert_allclose(param, tensor.detach().numpy(), rtol=0, atol=1e-14)
    state = optimizer.state[tensor]
    np.testing.assert_allclose(m, state["exp_avg"].numpy(), atol=1e-15)
    np.testing.assert_allclose(v, state["exp_avg_sq"].numpy(), atol=1e-15)


@pytest.mark.parametrize("shape", [(4, 3, 5, 5), (1, 2, 3, 4), (6, 2, 1, 1)])
def test_reference_batchnorm_matches_torch_in_train_and_eval_mode(shape):
    rng = np.random.default_rng(1)
    c = shape[1]
    layer = torch.nn.BatchNorm2d(c, momentum=0.2, eps=1e-4).double()
    gamma, beta = rng.uniform(0.5, 2, c), rng.uniform(-1, 1, c)
    with torch.no_grad():
        layer.weight.copy_(torch.tensor(gamma))
        layer.bias.copy_(torch.tensor(beta))
    mean, var = np.zeros(c), np.ones(c)
    for _ in range(3):
        x = rng.standard_normal(shape) * 2 + 1
        out, mean, var = ref_batchnorm_forward(x, gamma, beta, mean, var, momentum=0.2, eps=1e-4)
        np.testing.assert_allclose(out, layer.train()(torch.tensor(x)).detach().numpy(), atol=1e-12)
        np.testing.assert_allclose(mean, layer.running_mean.numpy(), atol=1e-14)
        np.testing.assert_allclose(var, layer.running_var.numpy(), atol=1e-14)
    x = rng.standard_normal(shape)
    out, same_mean, same_var = ref_batchnorm_forward(x, gamma, beta, mean, var, eps=1e-4, train=False)
    np.testing.assert_allclose(out, layer.eval()(torch.tensor(x)).detach().numpy(), atol=1e-12)
    np.testing.assert_array_equal(same_mean, mean)
    np.testing.assert_array_equal(same_var, var)


@pytest.mark.parametrize("shape", [(4, 3, 5, 5), (1, 2, 3, 4), (6, 2, 1, 1)])
def test_reference_batchnorm_backward_matches_torch_autograd(shape):
    rng = np.random.default_rng(2)
    x, dout, gamma = rng.standard_normal(shape) * 3, rng.standard_normal(shape), rng.uniform(0.5, 2, shape[1])
    tx, tg = torch.tensor(x, requires_grad=True), torch.tensor(gamma, requires_grad=True)
    tb = torch.zeros(shape[1], dtype=torch.float64, requires_grad=True)
    out = torch.nn.functional.batch_norm(tx, None, None, tg, tb, training=True, eps=1e-5)
    out.backward(torch.tensor(dout))
    for mine, theirs in zip(ref_batchnorm_backward(dout, x, gamma), (tx, tg, tb)):
        np.testing.assert_allclose(mine, theirs.grad.numpy(), rtol=1e-9, atol=1e-11)


@pytest.mark.parametrize("name", sorted(CHECKS))
def test_every_case_has_a_finite_expected_output_of_the_inputs_dtype(name):
    check = CHECKS[name]
    for case in check.cases():
        for value in expected_output(check, case):
            assert np.all(np.isfinite(value)), case.name
            assert value.dtype == case.args[1].dtype, case.name


def test_the_hidden_cases_cover_what_the_issue_names():
    names = {n: [c.name for c in CHECKS[n].cases()] for n in CHECKS}
    assert any("t=1000" in c for c in names["adam_step"])
    assert any("nearly constant" in c for c in names["batchnorm_backward"])
    assert any("batch of one image" in c for c in names["batchnorm_backward"])
    assert {c.group for c in CHECKS["batchnorm_forward"].cases()} >= {"values", "running", "eval", "inputs"}
    assert all(any(c.readonly for c in CHECKS[n].cases()) for n in CHECKS)
