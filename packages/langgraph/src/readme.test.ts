import { describeReadme } from '@contro1/test-utils';

describeReadme(new URL('..', import.meta.url), '@contro1/langgraph');
