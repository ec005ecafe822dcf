"""Read, with Python's own parser, the names a generated Python SDK offers
and the names a program uses from it.

Usage: python3 pynames.py SDK_DIR PROGRAM

SDK_DIR is the folder sdkgen writes for Python (it holds the package
folder). Prints JSON:
- packages: the SDK's top-level packages (folders with __init__.py);
- args: for each class named <X>Args in the SDK, the keyword parameters
  of its __init__;
- outputs: for each resource class, the properties (@pulumi.getter) it has;
- imports: the modules PROGRAM imports;
- calls: for each class of the SDK PROGRAM calls, the keyword arguments it
  passes;
- attributes: the attributes PROGRAM reads from anything (proxy.proxy_name).
Nothing is imported or run: the pulumi package is not installed here.
"""

import ast
import json
import os
import sys


def sdk_names(sdk_dir):
    packages, args, outputs = [], {}, {}
    for entry in sorted(os.listdir(sdk_dir)):
        if os.path.isfile(os.path.join(sdk_dir, entry, "__init__.py")):
            packages.append(entry)
    for root, _, files in os.walk(sdk_dir):
        for name in sorted(files):
            if not name.endswith(".py"):
                continue
            with open(os.path.join(root, name), encoding="utf-8") as f:
                tree = ast.parse(f.read())
            for node in tree.body:
                if not isinstance(node, ast.ClassDef):
                    continue
                for item in node.body:
                    if not isinstance(item, ast.FunctionDef):
                        continue
                    if node.name.endswith("Args") and item.name == "__init__":
                        params = item.args.args[1:] + item.args.kwonlyargs
                        args[node.name] = sorted(a.arg for a in params)
                    getter = any(getattr(d.func if isinstance(d, ast.Call) else d, "attr", "") == "getter"
                                 for d in item.decorator_list)
                    if getter and not node.name.endswith("Args"):
                        outputs.setdefault(node.name, []).append(item.name)
    return packages, args, {k: sorted(v) for k, v in outputs.items()}


def program_names(path):
    with open(path, encoding="utf-8") as f:
        tree = ast.parse(f.read())
    imports, calls, attributes = [], {}, set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imports.extend(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            imports.append(node.module)
        elif isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            calls.setdefault(name, set()).update(k.arg for k in node.keywords if k.arg)
        elif isinstance(node, ast.Attribute):
            attributes.add(node.attr)
    return sorted(imports), {k: sorted(v) for k, v in calls.items()}, sorted(attributes)


def main():
    packages, args, outputs = sdk_names(sys.argv[1])
    imports, calls, attributes = program_names(sys.argv[2])
    json.dump({"packages": packages, "args": args, "outputs": outputs, "imports": imports,
               "calls": calls, "attributes": attributes}, sys.stdout, sort_keys=True)


if __name__ == "__main__":
    main()
