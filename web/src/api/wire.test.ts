import { describe, expectTypeOf, it } from 'vitest'
import type { AccountSchema } from '../gen/sciweek/registration/v1/account_pb'
import type { ImportActivitiesResponseSchema } from '../gen/sciweek/registration/v1/activity_pb'
import type { CheckinRecordSchema } from '../gen/sciweek/checkin/v1/checkin_pb'
import type { OverCapacityDoorSchema, VenueOccupancySchema } from '../gen/sciweek/reporting/v1/reporting_pb'
import type { Snake, Wire } from './wire'

// These are checked by vue-tsc (npm run typecheck, part of the build): each pins one rule of
// how the gateway writes a message, against a message of proto/ that uses it.
describe('wire types', () => {
  it('turn field names back into the proto names', () => {
    expectTypeOf<Snake<'countyCode'>>().toEqualTypeOf<'county_code'>()
    expectTypeOf<Snake<'line2Text'>>().toEqualTypeOf<'line2_text'>()
    expectTypeOf<Snake<'id'>>().toEqualTypeOf<'id'>()
  })

  it('send every scalar, and a timestamp as a string or null', () => {
    expectTypeOf<Wire<typeof AccountSchema>>().toEqualTypeOf<{
      username: string
      role: string
      county_code: string
      unit_id: string
      display_name: string
      updated_at: string | null
      disabled: boolean
      must_change_password: boolean
      last_login_at: string | null
    }>()
  })

  it('send 64-bit integers as strings and enums by name', () => {
    expectTypeOf<Wire<typeof OverCapacityDoorSchema>>().toEqualTypeOf<{ terminal_id: string; admitted: string }>()
    expectTypeOf<Wire<typeof VenueOccupancySchema>['level']>().toEqualTypeOf<
      'OCCUPANCY_LEVEL_UNSPECIFIED' | 'OCCUPANCY_LEVEL_NORMAL' | 'OCCUPANCY_LEVEL_WARNING' | 'OCCUPANCY_LEVEL_ALARM'
    >()
    expectTypeOf<Wire<typeof VenueOccupancySchema>['over_capacity_doors']>().toEqualTypeOf<
      { terminal_id: string; admitted: string }[]
    >()
  })

  it('send maps as objects', () => {
    expectTypeOf<Wire<typeof ImportActivitiesResponseSchema>['columns']>().toEqualTypeOf<Record<string, string>>()
  })

  it('send only the member of a oneof that is set', () => {
    type Rec = Wire<typeof CheckinRecordSchema>
    expectTypeOf<Rec['sequence']>().toEqualTypeOf<string>()
    expectTypeOf<Rec['ticket']>().toEqualTypeOf<{ payload: string } | undefined>()
    expectTypeOf<Rec['walk_in']>().toEqualTypeOf<
      | {
          category:
            | 'PARTICIPANT_CATEGORY_UNSPECIFIED'
            | 'PARTICIPANT_CATEGORY_YOUNG_PERSON'
            | 'PARTICIPANT_CATEGORY_ADULT'
            | 'PARTICIPANT_CATEGORY_SCIENCE_WORKER'
            | 'PARTICIPANT_CATEGORY_VOLUNTEER'
          headcount: number
        }
      | undefined
    >()
    expectTypeOf<keyof Rec>().toEqualTypeOf<
      | 'sequence'
      | 'occurred_at'
      | 'venue_id'
      | 'activity_id'
      | 'over_capacity_confirmed'
      | 'ticket'
      | 'walk_in'
      | 'group'
      | 'checkout'
    >()
  })
})
