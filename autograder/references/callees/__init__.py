"""References of the graded functions that other graded functions of the same assignment call.

DESIGN.md: for the hidden tests of a function, the functions it depends on are the
reference ones, so one bug costs points once. The sandbox cannot see the hidden
checks, so these references live apart from them: once the sandbox's first stage has
sealed every function's own results, its second stage is sent only the module of its
assignment (autograder.grading.grade) to call the dependent functions with. Each
module therefore holds nothing that answers a dependent function.
"""
