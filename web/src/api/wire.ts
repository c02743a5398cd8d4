// What the gateway sends, as types derived from the code protoc-gen-es generates from proto/
// (web/src/gen, `make gen`). The gateway marshals with protojson's proto field names and every
// field present (services/gateway: UseProtoNames, EmitUnpopulated), while protoc-gen-es's own
// JSON types use the lowerCamelCase JSON names. Rather than move the public API to other names,
// or keep a hand-written copy that drifts, these types read each message's generated type (for
// its fields, optional fields, messages and oneofs) beside its generated JSON type (for the JSON
// form of each scalar and the names of each enum's values), and rename the fields back to the
// proto's. A field added, removed or retyped in a .proto changes them with the next `make gen`,
// and vue-tsc fails wherever the console or the door relies on the old shape.
//
// They are types only: nothing here or in web/src/gen reaches a bundle (`import type`).

import type { DescMessage, Message } from '@bufbuild/protobuf'
import type { GenMessage } from '@bufbuild/protobuf/codegenv2'
import type { Timestamp } from '@bufbuild/protobuf/wkt'

/** Snake turns a generated field name back into the proto's: countyCode → county_code. */
export type Snake<S extends string> = S extends `${infer H}${infer T}`
  ? `${H extends Lowercase<H> ? H : `_${Lowercase<H>}`}${Snake<T>}`
  : S

/** The oneof of a generated message type: {case, value} pairs. */
type OneofCase = { case: string | undefined; value?: unknown }

/**
 * A field on the wire, from its generated type V and its generated JSON type JV:
 * a Timestamp is an RFC 3339 string or null when unset; any other message is its own wire
 * shape or null; 64-bit integers and bytes are strings; an enum is its value's name.
 */
type Field<V, JV> = [V] extends [Timestamp]
  ? string | null
  : [V] extends [Message]
    ? WireMessage<V, JV> | null
    : V extends readonly (infer E)[]
      ? Elem<E, JV extends readonly (infer JE)[] ? JE : never>[]
      : V extends bigint | Uint8Array
        ? string
        : V extends number
          ? number extends JV
            ? number // an int32 or a double (whose JSON type also admits "NaN" and "Infinity")
            : JV // an enum: its values' names
          : V extends string | boolean
            ? V
            : V extends Record<string, infer E>
              ? Record<string, Elem<E, JV extends Record<string, infer JE> ? JE : never>>
              : never

/** An element of a repeated field or a map's value: like a field, but never null. */
type Elem<V, JV> = [V] extends [Timestamp] ? string : [V] extends [Message] ? WireMessage<V, JV> : Field<V, JV>

type Plain<K> = K extends '$typeName' | '$unknown' ? never : K

/** Keys of fields proto3 marks optional: absent from the JSON when unset. */
type OptionalKeys<M> = {
  [K in keyof M]-?: Plain<K> extends never
    ? never
    : NonNullable<M[K]> extends Message
      ? never
      : undefined extends M[K]
        ? K
        : never
}[keyof M]

/** Keys of oneofs. */
type OneofKeys<M> = {
  [K in keyof M]-?: M[K] extends OneofCase ? (Plain<K> extends never ? never : K) : never
}[keyof M]

type RequiredKeys<M> = Exclude<Plain<keyof M>, OptionalKeys<M> | OneofKeys<M>>

type JsonOf<J, K> = K extends keyof J ? NonNullable<J[K]> : never

type CasesOf<U> = U extends { case: infer C extends string } ? C : never
type ValueOf<U, C> = U extends { case: C; value: infer V } ? V : never

/**
 * The members of a message's oneofs, each under its own name and absent unless set (the gateway
 * sends only the member that is set).
 */
type OneofMembers<M, J, U = M[OneofKeys<M>]> = {
  [C in CasesOf<U> as Snake<C>]?: Elem<ValueOf<U, C>, JsonOf<J, C>>
}

/** WireMessage is message type M, with JSON type J, as the gateway sends it. */
export type WireMessage<M, J> = Flat<
  {
    [K in RequiredKeys<M> as Snake<K & string>]: Field<NonNullable<M[K]>, JsonOf<J, K>>
  } & {
    [K in OptionalKeys<M> as Snake<K & string>]?: Field<NonNullable<M[K]>, JsonOf<J, K>>
  } & OneofMembers<M, J>
>

/** Wire is a generated message schema's message as the gateway sends it: Wire<typeof AccountSchema>. */
export type Wire<S extends DescMessage> =
  S extends GenMessage<infer M, { jsonType: infer J }> ? WireMessage<M, J> : never

/** Flat spells an intersection out as one object type, for readable errors and hovers. */
type Flat<T> = { [K in keyof T]: T[K] }
