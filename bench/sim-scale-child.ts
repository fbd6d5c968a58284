/**
 * One point of the scale curve in its own process (bench/sim-scale.ts starts it), so its peak
 * memory is its own and a point that runs too long can be killed: the request comes as JSON in
 * argv[2], the figures go to stdout as one line of JSON.
 */
import { measureScalePoint, type ScalePointRequest } from './sim-scale-point.ts';

const request = JSON.parse(process.argv[2] ?? 'null') as ScalePointRequest;
process.stdout.write(`${JSON.stringify(measureScalePoint(request))}\n`);
