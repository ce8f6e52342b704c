// The peer for tests/bench/upload.sh: uploads every file of a folder to a wiki with the Node bot framework mwn
// (npm, 3.x), the way common bots do it: Mwn.init with a bot password, then batchOperation over the files with
// the given concurrency, each file one bot.upload() (which always sends ignorewarnings and never chunks).
//
//   node mwnupload.js API_URL USER PASSWORD FOLDER CONCURRENCY
//
// Prints one JSON line: {"files": N, "failed": F, "seconds": S}. Exit status 1 when any upload failed.
'use strict';
const fs = require('fs');
const path = require('path');
const { Mwn } = require(path.join(process.env.GATEHOUSE_NPM_PREFIX || '/opt/gatehouse/npm', 'node_modules', 'mwn'));

async function main() {
    const [apiUrl, username, password, folder, concurrency] = process.argv.slice(2);
    const files = fs.readdirSync(folder).filter((f) => !f.startsWith('.')).sort();
    const started = process.hrtime.bigint();
    const bot = await Mwn.init({
        apiUrl,
        username,
        password,
        silent: true,
        userAgent: 'gatehouse-bench-mwn (mailto:bench@gatehouse.invalid)',
        defaultParams: { assert: 'user', maxlag: 5 },
    });
    const result = await bot.batchOperation(
        files,
        (file) => bot.upload(path.join(folder, file), 'Mwn ' + file, 'Benchmark upload of ' + file),
        Number(concurrency),
        0
    );
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const failed = Object.keys(result.failures || {}).length;
    console.log(JSON.stringify({ files: files.length, failed, seconds }));
    process.exit(failed ? 1 : 0);
}

main().catch((e) => {
    console.error(e && e.stack ? e.stack : String(e));
    process.exit(2);
});
