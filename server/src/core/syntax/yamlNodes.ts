// What kind of YAML node a value is, read from the node-type symbol the `yaml` library puts on every node
// (the same test as its isMap/isScalar/…). Local functions: the bundle reaches the library's exports
// through a getter per call, and the analysis asks these questions hundreds of thousands of times.
import type { Alias, Pair, Scalar, YAMLMap, YAMLSeq } from 'yaml';

const NODE_TYPE = Symbol.for('yaml.node.type');
const ALIAS = Symbol.for('yaml.alias');
const MAP = Symbol.for('yaml.map');
const PAIR = Symbol.for('yaml.pair');
const SCALAR = Symbol.for('yaml.scalar');
const SEQ = Symbol.for('yaml.seq');

type Tagged = { [NODE_TYPE]?: symbol };

function typeOf(node: unknown): symbol | undefined {
  return node !== null && typeof node === 'object' ? (node as Tagged)[NODE_TYPE] : undefined;
}

export const isAlias = (node: unknown): node is Alias => typeOf(node) === ALIAS;
export const isMap = (node: unknown): node is YAMLMap => typeOf(node) === MAP;
export const isPair = (node: unknown): node is Pair => typeOf(node) === PAIR;
export const isScalar = (node: unknown): node is Scalar => typeOf(node) === SCALAR;
export const isSeq = (node: unknown): node is YAMLSeq => typeOf(node) === SEQ;
export const isCollection = (node: unknown): node is YAMLMap | YAMLSeq => {
  const t = typeOf(node);
  return t === MAP || t === SEQ;
};
