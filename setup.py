"""Package list for setuptools: the code packages plus resources/ mapped into the wheel.

``resources/`` stays a top-level data folder in the checkout (DESIGN.md) and is installed as
``girlscourt/_resources``; ``girlscourt.resources.resources_dir()`` looks in both places.
"""

from setuptools import find_packages, setup

setup(
    packages=[
        *find_packages(include=["girlscourt", "girlscourt.*", "ui", "ui.*"]),
        "girlscourt._resources",
    ],
    package_dir={"girlscourt._resources": "resources"},
    package_data={
        "girlscourt._resources": ["**/*"],
        "girlscourt.migrations": ["script.py.mako"],
    },
    include_package_data=False,
)
