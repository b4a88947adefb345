# Builds the gabasim package and its cffi extension (gabasim/_build.py says how the library is
# found). Install without the network:
#   PKG_CONFIG_PATH=PREFIX/lib/pkgconfig pip install --no-build-isolation bindings/python
from setuptools import setup

setup(
    name="gabasim",
    version="0.1.0",
    description="gabapentinoid pharmacokinetics (libgabasim) from Python",
    packages=["gabasim"],
    python_requires=">=3.9",
    install_requires=["numpy", "cffi>=1.0.0"],
    setup_requires=["cffi>=1.0.0"],
    cffi_modules=["gabasim/_build.py:ffibuilder"],
    zip_safe=False,
)
