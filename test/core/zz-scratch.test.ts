import {test} from 'vitest';
import {sanitize, terminalSafeJson} from '../../source/core/sanitize.js';
import {parseDuration} from '../../source/core/duration.js';
import {normalizeJob} from '../../source/core/normalize-job.js';
import {parseRetryAfter} from '../../source/core/api-error.js';
test('probe', () => {
	const e = '😀'.repeat(150);
	const s = sanitize(e);
	console.log('emoji150', s.length, [...s].length, s.endsWith('…'), s === e);
	console.log('emoji 250', [...sanitize('😀'.repeat(250))].length);
	try { console.log('empty', parseDuration('')); } catch (error) { console.log('empty throws', String(error)); }
	try { console.log('spaces', parseDuration('   ')); } catch (error) { console.log('spaces throws', String(error)); }
	console.log('abc', parseDuration('abc'), parseDuration('-1'), parseDuration('0'), parseDuration('1e3'), parseDuration('.5'));
	try { console.log(terminalSafeJson(undefined)); } catch (error) { console.log('tsj undefined throws', String(error)); }
	const j = normalizeJob(JSON.parse('{"status":{"controlledResources":{"__proto__":"x","plugin-svc":"svc"}}}'), {namespace: 'n', name: 'j'});
	console.log('cr', j.controlledResources, Object.keys(j.controlledResources));
	const j2 = normalizeJob(JSON.parse('{"spec":{"tasks":[{"name":"a","replicas":1},{"name":"a","replicas":2}]}}'), {namespace: 'n', name: 'j'});
	console.log(j2.tasks.map(t=>t.name));
	console.log('ra', parseRetryAfter('1.5', Date.now()), parseRetryAfter('-1', Date.now()), parseRetryAfter('Wed, 21 Oct 2015 07:28:00 GMT', Date.parse('Wed, 21 Oct 2015 07:27:00 GMT')));
	console.log(JSON.stringify(sanitize('a\u001b]8;;http://x\u001b\\link\u001b]8;;\u001b\\b')));
	console.log(JSON.stringify(sanitize('x\u009b31my \u009d0;title\u0007z')));
	console.log(JSON.stringify(sanitize('a\u0008b\u0007c\rd\u0000e\u007f')));
	console.log(JSON.stringify(sanitize('\u001bP1$r\u001b\\ok')));
	console.log(JSON.stringify(sanitize('tag\u{E0041}\u00ADsoft')));
});
