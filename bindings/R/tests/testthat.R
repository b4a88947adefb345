library(testthat)
library(gabasim)

test_check("gabasim")
