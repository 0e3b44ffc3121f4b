from graphlib import CycleError, TopologicalSorter

from tests.architecture.import_graph import core_import_graph


def test_no_core_module_imports_a_module_that_imports_it_back():
    try:
        list(TopologicalSorter(core_import_graph()).static_order())
    except CycleError as error:
        raise AssertionError(f"import cycle in core: {' -> '.join(error.args[1])}") from None


def test_the_graph_sees_imports_inside_functions():
    assert "core.storage.migrations" in core_import_graph()["core.storage.engine"]  # imported inside ensure_schema


def test_core_never_imports_streamlit():
    import ast

    from tests.architecture.import_graph import CORE, imported_names

    offenders = [str(p) for p in CORE.rglob("*.py")
                 if any(n.split(".")[0] == "streamlit" for n in imported_names(ast.parse(p.read_text())))]
    assert offenders == []
