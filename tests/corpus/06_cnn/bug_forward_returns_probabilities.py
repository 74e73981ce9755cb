# model_forward applies softmax and returns probabilities instead of scores.
def model_forward(params, x):
    conv = conv_forward(x, params["w1"], params["b1"], stride=1, pad=1)
    pooled = maxpool_forward(relu_forward(conv), size=2, stride=2)
    return softmax(dense_forward(flatten_forward(pooled), params["w2"], params["b2"]))
