export interface GreetInput {
  firstName: string;
  email: string;
}

export interface GreetActivities {
  lookUpAgent(email: string): Promise<string>;
}
