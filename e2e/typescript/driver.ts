// The engine cycle's driver of the TypeScript example (e2e/typescript_test.go):
// one engine operation of one stack, with the example's own program as an
// Automation API inline program. The test copies this file and
// tsconfig.json beside the example's index.ts, which it requires: the
// program that runs is the example's, not a copy of it.
//
// Usage: node bin/driver.js preview|up|destroy STACK CONFIG_JSON [PROGRAM]
//
// PROGRAM, when given, is a JavaScript module to run instead, exporting
// its program as the example does: the test's own (a caller without types).
// CONFIG_JSON is the stack's whole configuration, as a stack file's config
// section holds it (objects and lists as such). The Pulumi CLI is the one
// in $RDS_PROXY_E2E_CLI_ROOT/bin; PULUMI_HOME, the backend, the passphrase
// and the AWS settings come from the environment. It prints on stdout one
// JSON object: the steps the engine announced and, after up, the outputs.
import * as fs from "fs";
import * as path from "path";
import { EngineEvent, LocalWorkspace, PulumiCommand } from "@pulumi/pulumi/automation";
import example = require("./index");

interface Step {
    op: string;
    type: string;
    name: string;
    diffs: string[];
    keys: string[];
}

async function main(argv: string[]): Promise<void> {
    if (argv.length < 3 || argv.length > 4 || !["preview", "up", "destroy"].includes(argv[0])) {
        throw new Error("usage: node bin/driver.js preview|up|destroy STACK CONFIG_JSON [PROGRAM]");
    }
    const [op, stackName, configPath, other] = argv;
    const program: typeof example = other ? require(path.resolve(other)) : example;
    const root = process.env.RDS_PROXY_E2E_CLI_ROOT;
    if (!root) {
        throw new Error("RDS_PROXY_E2E_CLI_ROOT is not set: the folder holding bin/pulumi");
    }
    const pulumiCommand = await PulumiCommand.get({ root });
    const stack = await LocalWorkspace.createOrSelectStack(
        { stackName, projectName: "rds-proxy-example", program },
        { workDir: __dirname + "/..", pulumiCommand, secretsProvider: "passphrase" },
    );
    // The whole configuration, keeping the stack's secrets salt.
    const settings = await stack.workspace.stackSettings(stackName);
    settings.config = JSON.parse(fs.readFileSync(configPath, "utf8"));
    await stack.workspace.saveStackSettings(stackName, settings);

    const steps: Step[] = [];
    const onEvent = (ev: EngineEvent) => {
        const md = ev.resourcePreEvent?.metadata;
        if (!md || !md.urn || md.op === "same" || md.op === "read") {
            return;
        }
        const name = md.urn.split("::").pop() ?? "";
        steps.push({ op: md.op, type: md.type, name, diffs: md.diffs ?? [], keys: md.keys ?? [] });
    };
    const onOutput = (out: string) => process.stderr.write(out);
    const result: { steps: Step[]; outputs?: Record<string, unknown> } = { steps };
    switch (op) {
        case "preview":
            await stack.preview({ onEvent, onOutput, diff: true });
            break;
        case "up": {
            const up = await stack.up({ onEvent, onOutput });
            result.outputs = {};
            for (const key of Object.keys(up.outputs).sort()) {
                result.outputs[key] = up.outputs[key].value;
            }
            break;
        }
        default:
            await stack.destroy({ onEvent, onOutput });
    }
    process.stdout.write(JSON.stringify(result) + "\n");
}

main(process.argv.slice(2)).catch((err: unknown) => {
    process.stderr.write(`driver: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
    process.exit(1);
});
