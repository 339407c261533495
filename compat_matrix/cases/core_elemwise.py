"""Core elementwise ops: unary math, binary ops with broadcasting, operators, comparisons."""
import numpy as np

from compat_matrix.refs import unary
from compat_matrix.spec import NUMERIC, Case, In

CASES = [
    Case("exp", samples=[((2, 3),), ((1,),), ((4, 1, 3),)], inputs=[In(domain=(-3, 3))],
         dtypes=NUMERIC, ref=unary(np.exp), grad=True),
]
